//! The one error type of the core.
//!
//! Every fallible function of the crate returns `Result<_, CoreError>`. The variants say *what
//! kind* of failure it is, which is all a caller needs to react (the Python bindings map each
//! variant to one class of `neurovariety.errors`); the payload is a message for humans that
//! names the offending parameter and value.
//!
//! ```
//! use neurovariety_core::{CoreError, PrimeField};
//!
//! let err = PrimeField::new(100).unwrap_err();
//! assert_eq!(err, CoreError::NotPrime(100));
//! assert!(err.is_invalid_input());
//! assert_eq!(err.to_string(), "modulus 100 is not prime");
//! ```

use std::fmt;

/// What went wrong in a core computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// An argument is malformed or out of range (shape, width, exponent, option value, ...).
    InvalidInput(String),
    /// A modulus that is not prime.
    NotPrime(u64),
    /// A prime outside the supported range `2 <= p < 2^63`.
    PrimeOutOfRange(u64),
    /// The work was refused before it started: it would exceed a size limit of the core.
    ResourceLimit(String),
    /// A bug: an internal consistency check failed (or, at the bindings, a panic was caught).
    Internal(String),
}

impl CoreError {
    /// `InvalidInput` from anything printable.
    pub fn invalid(msg: impl Into<String>) -> Self {
        CoreError::InvalidInput(msg.into())
    }

    /// Is this a problem with the caller's input (including a bad modulus)?
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, CoreError::InvalidInput(_) | CoreError::NotPrime(_) | CoreError::PrimeOutOfRange(_))
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::InvalidInput(msg) | CoreError::ResourceLimit(msg) => f.write_str(msg),
            CoreError::NotPrime(p) => write!(f, "modulus {p} is not prime"),
            CoreError::PrimeOutOfRange(p) => write!(f, "prime {p} is out of range: need 2 <= p < 2^63"),
            CoreError::Internal(msg) => write!(f, "internal error in the Rust core: {msg}"),
        }
    }
}

impl std::error::Error for CoreError {}

/// `Result` with the core's error type.
pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_kinds() {
        assert_eq!(CoreError::invalid("widths must be positive").to_string(), "widths must be positive");
        assert_eq!(CoreError::PrimeOutOfRange(1).to_string(), "prime 1 is out of range: need 2 <= p < 2^63");
        assert_eq!(CoreError::Internal("boom".into()).to_string(), "internal error in the Rust core: boom");
        assert!(CoreError::NotPrime(4).is_invalid_input());
        assert!(!CoreError::ResourceLimit("too big".into()).is_invalid_input());
        let boxed: Box<dyn std::error::Error> = Box::new(CoreError::ResourceLimit("too big".into()));
        assert_eq!(boxed.to_string(), "too big");
    }
}
