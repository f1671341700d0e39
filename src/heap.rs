//! The wasm's allocator: power-of-two size classes with intrusive free lists
//! (no headers, no coalescing), ~0.5 KB instead of dlmalloc's ~7.7 KB. A block
//! of class `k` is `2^k` bytes aligned to `2^k`, so any `Layout` is served by
//! the class of `max(size, align)`. Small blocks are halves of bigger ones;
//! blocks of a page or more come straight from `memory.grow`, and the gap to
//! their alignment is cut into blocks on the free lists, so nothing is lost.
//! Freed blocks of any size are reused by the next request of their class.

use core::alloc::Layout;
use core::ptr;

/// Wasm page size: the unit `memory.grow` hands out.
pub const PAGE: usize = 65536;
const PAGE_CLASS: u32 = PAGE.trailing_zeros();
/// The smallest block holds the free list's next pointer (and an f64).
const MIN_CLASS: u32 = 3;
const CLASSES: usize = usize::BITS as usize;

/// The free-list index of `class` (always < CLASSES): the mask spares a
/// bounds check, whose panic path would pull number formatting into the wasm.
fn slot(class: u32) -> usize {
    class as usize % CLASSES
}

/// Linear memory that only grows, in pages.
pub trait Memory {
    /// Grows by `pages`; the address of the first new byte, `None` when full.
    fn grow(&mut self, pages: usize) -> Option<usize>;
    /// The address one past the last byte.
    fn end(&self) -> usize;
}

/// The allocator's state over a memory `M`.
pub struct Heap<M> {
    /// Head of each class's free list (0: empty); a free block's first word
    /// holds the next one.
    free: [usize; CLASSES],
    memory: M,
}

impl<M: Memory> Heap<M> {
    /// A heap with empty free lists.
    pub const fn new(memory: M) -> Self {
        Heap {
            free: [0; CLASSES],
            memory,
        }
    }

    /// The size class of `layout`, `None` when no block could hold it.
    fn class(layout: Layout) -> Option<u32> {
        let size = layout
            .size()
            .max(layout.align())
            .checked_next_power_of_two()?;
        let class = size.trailing_zeros().max(MIN_CLASS);
        (class < usize::BITS - 1).then_some(class)
    }

    /// # Safety
    /// `block` is a free, unused block of `class`, aligned to it.
    unsafe fn push(&mut self, block: usize, class: u32) {
        let head = &mut self.free[slot(class)];
        // SAFETY: per the caller, the block is ours and large enough.
        unsafe { ptr::write(block as *mut usize, *head) };
        *head = block;
    }

    /// A block of `class`, or 0 when memory is exhausted.
    fn take(&mut self, class: u32) -> usize {
        let head = self.free[slot(class)];
        if head != 0 {
            // SAFETY: free-list blocks hold the next pointer in their first word.
            self.free[slot(class)] = unsafe { ptr::read(head as *const usize) };
            return head;
        }
        if class < PAGE_CLASS {
            // Halve a block of the next class: both halves keep the alignment.
            let block = self.take(class + 1);
            if block != 0 {
                // SAFETY: the upper half is unused and aligned to `class`.
                unsafe { self.push(block + (1 << class), class) };
            }
            return block;
        }
        self.grow(1 << class)
    }

    /// `size` (a power of two ≥ a page) fresh bytes aligned to `size`.
    fn grow(&mut self, size: usize) -> usize {
        let start = self.memory.end();
        let Some(aligned) = start.checked_next_multiple_of(size) else {
            return 0;
        };
        let Some(pages) = (aligned - start).checked_add(size).map(|n| n / PAGE) else {
            return 0;
        };
        match self.memory.grow(pages) {
            Some(at) if at == start => {}
            // Memory moved on without us (or is full): give up rather than guess.
            _ => return 0,
        }
        // The gap is page-aligned: cut it into the largest aligned blocks.
        let mut at = start;
        while at < aligned {
            let block = at & at.wrapping_neg();
            // SAFETY: `at..at + block` is fresh memory aligned to `block`.
            unsafe { self.push(at, block.trailing_zeros()) };
            at += block;
        }
        aligned
    }

    /// Allocates for `layout`; null when out of memory.
    pub fn alloc(&mut self, layout: Layout) -> *mut u8 {
        match Self::class(layout) {
            Some(class) => self.take(class) as *mut u8,
            None => ptr::null_mut(),
        }
    }

    /// # Safety
    /// `block` came from this heap's `alloc`/`realloc` with `layout`.
    pub unsafe fn dealloc(&mut self, block: *mut u8, layout: Layout) {
        if let Some(class) = Self::class(layout) {
            // SAFETY: per the caller, the block is ours, of this class.
            unsafe { self.push(block as usize, class) };
        }
    }

    /// Keeps the block when `new_size` still fits its class.
    ///
    /// # Safety
    /// As `GlobalAlloc::realloc`.
    pub unsafe fn realloc(&mut self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        if Self::class(new_layout) == Self::class(layout) {
            return block;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            // SAFETY: both blocks are ours, distinct, and at least this long.
            unsafe {
                ptr::copy_nonoverlapping(block, new, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
        }
        new
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{Heap, Memory, PAGE};
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32::{memory_grow, memory_size};
    use core::cell::UnsafeCell;

    /// Memory 0 of the wasm module.
    pub struct Wasm;

    impl Memory for Wasm {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let old = memory_grow(0, pages);
            (old != usize::MAX).then(|| old * PAGE)
        }

        fn end(&self) -> usize {
            memory_size(0) * PAGE
        }
    }

    /// The global allocator.
    pub struct Allocator(UnsafeCell<Heap<Wasm>>);

    // SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
    unsafe impl Sync for Allocator {}

    // SAFETY: `Heap` hands out distinct blocks of at least the size and
    // alignment asked for, and no call re-enters another.
    unsafe impl GlobalAlloc for Allocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: one thread and no re-entry (see `Sync` above): this is the only
            // reference to the heap while the call runs; the caller upholds `alloc`'s contract.
            unsafe { (*self.0.get()).alloc(layout) }
        }

        unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
            // SAFETY: one thread and no re-entry (see `Sync` above): this is the only
            // reference to the heap while the call runs; the caller upholds `dealloc`'s contract.
            unsafe { (*self.0.get()).dealloc(block, layout) }
        }

        unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: one thread and no re-entry (see `Sync` above): this is the only
            // reference to the heap while the call runs; the caller upholds `realloc`'s contract.
            unsafe { (*self.0.get()).realloc(block, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(Heap::new(Wasm)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// A memory inside one big host allocation aligned to its size, so that
    /// address alignment behaves as in wasm up to that size.
    struct Arena {
        base: usize,
        used: usize,
        capacity: usize,
    }

    impl Arena {
        fn new(capacity: usize) -> Self {
            let layout = Layout::from_size_align(capacity, capacity).unwrap();
            // SAFETY: non-zero size; leaked on purpose for the test's duration.
            let base = unsafe { std::alloc::alloc(layout) } as usize;
            assert_ne!(base, 0);
            // Start mid-page-run, as a wasm heap does after its data and stack.
            Arena {
                base,
                used: 3 * PAGE,
                capacity,
            }
        }
    }

    impl Memory for Arena {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let at = self.end();
            (self.used + pages * PAGE <= self.capacity).then(|| {
                self.used += pages * PAGE;
                at
            })
        }

        fn end(&self) -> usize {
            self.base + self.used
        }
    }

    /// xorshift64: deterministic, no dependency.
    fn rng(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    struct Live {
        ptr: *mut u8,
        layout: Layout,
        fill: u8,
    }

    fn check(live: &Live) {
        assert_eq!(live.ptr as usize % live.layout.align(), 0, "aligned");
        // SAFETY: the block is live and `layout.size()` long.
        let bytes = unsafe { std::slice::from_raw_parts(live.ptr, live.layout.size()) };
        assert!(bytes.iter().all(|&b| b == live.fill), "contents kept");
    }

    fn write(live: &Live) {
        // SAFETY: as above.
        unsafe { ptr::write_bytes(live.ptr, live.fill, live.layout.size()) };
    }

    #[test]
    fn random_alloc_free_realloc_keep_contents_alignment_and_disjointness() {
        let mut heap = Heap::new(Arena::new(1 << 28));
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut live: Vec<Live> = Vec::new();
        for round in 0..10_000u32 {
            let r = rng(&mut state);
            let size = match r % 100 {
                0 => (1 << 20) + (r >> 8) as usize % (1 << 19), // request bodies of 1 MiB+
                1..=5 => (r >> 8) as usize % (200 * 1024),
                _ => (r >> 8) as usize % 300,
            };
            let align = 1usize << ((r >> 40) % 8); // up to 128
            let action = (r >> 48) % 3;
            if action == 0 && !live.is_empty() {
                let l = live.swap_remove((r >> 20) as usize % live.len());
                check(&l);
                // SAFETY: allocated above with this layout.
                unsafe { heap.dealloc(l.ptr, l.layout) };
            } else if action == 1 && !live.is_empty() {
                let i = (r >> 20) as usize % live.len();
                check(&live[i]);
                let old = live[i].layout;
                // SAFETY: allocated above with `old`.
                let ptr = unsafe { heap.realloc(live[i].ptr, old, size) };
                assert!(!ptr.is_null());
                let layout = Layout::from_size_align(size, old.align()).unwrap();
                let kept = Live {
                    ptr,
                    layout: Layout::from_size_align(old.size().min(size), old.align()).unwrap(),
                    fill: live[i].fill,
                };
                check(&kept);
                live[i] = Live {
                    ptr,
                    layout,
                    fill: round as u8,
                };
                write(&live[i]);
            } else {
                let layout = Layout::from_size_align(size.max(1), align).unwrap();
                let ptr = heap.alloc(layout);
                assert!(!ptr.is_null());
                let l = Live {
                    ptr,
                    layout,
                    fill: round as u8,
                };
                write(&l);
                live.push(l);
            }
            if round % 1000 == 0 {
                let mut spans: Vec<(usize, usize)> = live
                    .iter()
                    .map(|l| (l.ptr as usize, l.ptr as usize + l.layout.size()))
                    .collect();
                spans.sort_unstable();
                assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "no overlap");
                live.iter().for_each(check);
            }
        }
    }

    #[test]
    fn freed_big_blocks_are_reused_and_huge_alignments_served() {
        let mut heap = Heap::new(Arena::new(1 << 26));
        let big = Layout::from_size_align(3 << 19, 8).unwrap(); // 1.5 MiB
        let a = heap.alloc(big);
        // SAFETY: just allocated with `big`.
        unsafe { heap.dealloc(a, big) };
        assert_eq!(heap.alloc(big), a, "reused");
        let end = heap.memory.end();
        assert_eq!(
            heap.alloc(Layout::from_size_align(16, 8).unwrap()) as usize,
            heap.memory.base + 3 * PAGE,
            "small blocks come from the alignment gap"
        );
        assert_eq!(heap.memory.end(), end);
        let wide = heap.alloc(Layout::from_size_align(8, 1 << 20).unwrap());
        assert_eq!(wide as usize % (1 << 20), 0);
        assert!(
            heap.alloc(Layout::from_size_align(1 << 27, 8).unwrap())
                .is_null(),
            "full memory is null, not a panic"
        );
        assert!(heap
            .alloc(Layout::from_size_align(usize::MAX / 2, 1).unwrap())
            .is_null());
    }
}
