//! The process's memory as the system sees it.
//!
//! A large build frees a lot as it goes (each batch of record sources, the columns' growth, the
//! search postings), and glibc's allocator keeps what was freed inside its heaps for the next
//! allocation instead of handing it back: at a million papers that was about a gigabyte resident
//! that nothing used. [`give_back`] returns it between the build's phases.

/// Hands memory freed inside the allocator's heaps back to the system (glibc's
/// `malloc_trim(0)`: whole free pages anywhere in the heaps, not only at their top). It walks
/// the heaps, a few milliseconds per hundred megabytes, so it is called after phases that free
/// a lot, never per page. Elsewhere than Linux with glibc it does nothing.
pub(crate) fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only takes the allocator's own locks and releases free pages; it
    // touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bytes the allocator has handed out and not yet been given back, if it says (glibc's
/// `mallinfo2`: small chunks and mapped blocks, each with its header and rounding, which is
/// what a count of lengths and capacities does not see).
pub(crate) fn heap_in_use() -> Option<usize> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallinfo2` only reads the allocator's statistics.
        let info = unsafe { libc::mallinfo2() };
        Some(info.uordblks + info.hblkhd)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}
