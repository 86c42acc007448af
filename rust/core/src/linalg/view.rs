//! Raw 2-D views for the blocked elimination, and the parallelism thresholds the kernels share.
//!
//! The elimination updates disjoint blocks of one row-major buffer at once (`L21`, `U12` and
//! `A22` of a PLE step; tiles of a product), which `&mut` slices cannot express without
//! copying. A [`MatPtr`] is the address of element `(0, 0)` of such a block and the row stride
//! of the buffer; computing sub-views is safe (wrapping pointer arithmetic), reading and writing
//! through them is not: every `unsafe` accessor states what the caller must guarantee. The
//! kernels use safe slices wherever the block structure allows it (see `ple.rs`) and these
//! views only for the products and triangular solves on sub-blocks.

/// Below this many element operations a loop runs on one thread: rayon's split costs more.
pub(crate) const PAR_MIN_WORK: usize = 1 << 15;

/// Rows per parallel task for a memory-bound pass over `rows × cols` elements: a couple of
/// tasks per thread, none smaller than [`PAR_MIN_WORK`] elements (`rows` itself: stay serial).
pub(crate) fn par_rows(rows: usize, cols: usize) -> usize {
    let work = rows * cols;
    if work < 2 * PAR_MIN_WORK {
        return rows.max(1);
    }
    let tasks = (2 * rayon::current_num_threads()).min(work / PAR_MIN_WORK).max(1);
    rows.div_ceil(tasks).max(1)
}

/// Row-major raw view: element `(i, j)` lives at `ptr + i * ld + j`.
///
/// A view is only an address: it does not borrow the buffer. Whoever makes one from a buffer
/// (with [`MatPtr::new`]) must not touch that buffer by other means while views of it are in
/// use, and must make concurrent users (threads) access disjoint elements.
#[derive(Debug)]
pub(crate) struct MatPtr<E> {
    ptr: *mut E,
    ld: usize,
}

impl<E> Clone for MatPtr<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for MatPtr<E> {}

// SAFETY: a MatPtr is only an address. Moving it to another thread is sound because every
// access through it is an `unsafe` accessor whose contract demands that concurrent accesses
// through copies touch disjoint elements (or only read).
unsafe impl<E: Send> Send for MatPtr<E> {}
// SAFETY: as for `Send`; a shared `&MatPtr` gives no access beyond what a copy gives.
unsafe impl<E: Sync> Sync for MatPtr<E> {}

impl<E> MatPtr<E> {
    /// View of `data` as a matrix with row stride `ld`.
    pub(crate) fn new(data: &mut [E], ld: usize) -> Self {
        MatPtr { ptr: data.as_mut_ptr(), ld }
    }

    /// The row stride.
    #[inline(always)]
    pub(crate) fn ld(self) -> usize {
        self.ld
    }

    /// Address of element `(i, j)` (wrapping arithmetic: computing it is always safe).
    #[inline(always)]
    pub(crate) fn ptr_at(self, i: usize, j: usize) -> *mut E {
        self.ptr.wrapping_add(i * self.ld + j)
    }

    /// The view whose origin is `(i, j)`.
    #[inline(always)]
    pub(crate) fn sub(self, i: usize, j: usize) -> Self {
        MatPtr { ptr: self.ptr_at(i, j), ld: self.ld }
    }

    /// Element `(i, j)`.
    ///
    /// # Safety
    /// `(i, j)` must lie inside the buffer the view was made from, and no thread may write that
    /// element during the read.
    #[inline(always)]
    pub(crate) unsafe fn get(self, i: usize, j: usize) -> E
    where
        E: Copy,
    {
        // SAFETY: the caller guarantees that the element is inside the buffer and not written
        // concurrently.
        unsafe { self.ptr_at(i, j).read() }
    }

    /// Columns `j0..j1` of row `i`, for reading.
    ///
    /// # Safety
    /// The elements must lie inside the buffer (`j0 <= j1`), and no thread may write them while
    /// the returned slice is alive.
    #[inline(always)]
    pub(crate) unsafe fn row_ref<'a>(self, i: usize, j0: usize, j1: usize) -> &'a [E] {
        // SAFETY: the caller guarantees that the `j1 - j0` elements are inside one allocation
        // (hence aligned, initialised and not wrapping around) and not written meanwhile.
        unsafe { std::slice::from_raw_parts(self.ptr_at(i, j0), j1 - j0) }
    }

    /// Columns `j0..j1` of row `i`, for writing.
    ///
    /// # Safety
    /// The elements must lie inside the buffer (`j0 <= j1`), and nothing else may read or write
    /// them (through another view, slice or thread) while the returned slice is alive.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn row_mut<'a>(self, i: usize, j0: usize, j1: usize) -> &'a mut [E] {
        // SAFETY: in bounds by the caller's guarantee, and the caller makes this the only
        // access to these elements while the slice lives.
        unsafe { std::slice::from_raw_parts_mut(self.ptr_at(i, j0), j1 - j0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_address_row_major_blocks() {
        let mut data: Vec<u32> = (0..12).collect(); // 3 × 4
        let a = MatPtr::new(&mut data, 4);
        let b = a.sub(1, 2);
        assert_eq!(b.ld(), 4);
        // SAFETY: (1, 1) of `b` is (2, 3) of the 3 × 4 buffer; nothing else accesses it.
        assert_eq!(unsafe { b.get(1, 1) }, 11);
        // SAFETY: row 1, columns 2..4 of the buffer; no other access while the slice lives.
        let row = unsafe { a.row_mut(1, 2, 4) };
        row[0] = 100;
        // SAFETY: row 1 of the buffer, read only, the mutable slice above is no longer used.
        assert_eq!(unsafe { a.row_ref(1, 0, 4) }, &[4, 5, 100, 7]);
        assert_eq!(par_rows(10, 10), 10);
        assert!(par_rows(100_000, 100) < 100_000);
    }
}
