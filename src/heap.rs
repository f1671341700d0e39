//! The wasm's allocator: `talc` (boundary tags, so a freed block merges with
//! its free neighbours; sizes round up to a word, not to a power of two)
//! behind [`Wiping`], which zeroes every byte before talc may hand it out
//! again. Chosen by measurement over the former power-of-two heap and `rlsf`
//! (README, "How it is built"). Strings that carried secrets across the
//! boundary (options JSON, codes, passwords, token answers, the request and
//! token JSON the wasm returns, which wasm-bindgen's glue frees through
//! `__wbindgen_free`) all end in `dealloc` or `realloc`, so wiping there
//! covers every one of them without a wipe at each call site.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;
use talc::base::Talc;
use talc::source::Source;
use talc::wasm::WasmBinning;

/// A talc heap over `S` that zeroes blocks when they are freed or shrunk.
pub struct Wiping<S: Source>(UnsafeCell<Talc<S, WasmBinning>>);

/// Zeroes `len` bytes at `at` (a `memory.fill` in the wasm).
///
/// # Safety
/// `at..at + len` is writable memory of a block being given back.
unsafe fn wipe(at: *mut u8, len: usize) {
    // SAFETY: per the caller.
    unsafe { ptr::write_bytes(at, 0, len) };
    // The block is about to be freed: keep the optimizer from treating the
    // zeroes as dead stores.
    core::hint::black_box(at);
}

impl<S: Source> Wiping<S> {
    /// A heap that takes its memory from `source` when it needs more.
    pub const fn new(source: S) -> Self {
        Wiping(UnsafeCell::new(Talc::new(source)))
    }

    /// # Safety
    /// No other reference to the heap is alive (one thread, no re-entry).
    #[allow(clippy::mut_from_ref)]
    unsafe fn talc(&self) -> &mut Talc<S, WasmBinning> {
        // SAFETY: per the caller.
        unsafe { &mut *self.0.get() }
    }
}

// SAFETY: talc hands out distinct blocks of at least the size and alignment
// asked for; `Wiping` only writes to blocks being given back. Callers of the
// `Sync` instance below keep to one thread, and no call re-enters another.
unsafe impl<S: Source> GlobalAlloc for Wiping<S> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: one caller at a time (see above); `GlobalAlloc` callers pass a non-zero size.
        unsafe { self.talc().allocate(layout) }.map_or(ptr::null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: the caller gives back `block`, `layout.size()` bytes it owned.
        unsafe {
            wipe(block, layout.size());
            self.talc().deallocate(block, layout);
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let size = layout.size();
        // SAFETY: one caller at a time; `block` is the caller's, of `layout`,
        // and `new_size` is non-zero (`GlobalAlloc::realloc`'s contract).
        unsafe {
            let talc = self.talc();
            if new_size <= size {
                wipe(block.add(new_size), size - new_size);
                talc.shrink(block, layout, new_size);
                return block;
            }
            if talc.try_grow_in_place(block, layout, new_size) {
                return block;
            }
            let Some(new) =
                talc.allocate(Layout::from_size_align_unchecked(new_size, layout.align()))
            else {
                return ptr::null_mut();
            };
            ptr::copy_nonoverlapping(block, new.as_ptr(), size);
            wipe(block, size);
            talc.deallocate(block, layout);
            new.as_ptr()
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::Wiping;
    use talc::wasm::WasmGrowAndExtend;

    /// The wasm's memory as one heap, extended by `memory.grow`.
    struct Allocator(Wiping<WasmGrowAndExtend>);

    // SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
    unsafe impl Sync for Allocator {}

    // SAFETY: delegates to `Wiping`, whose one-caller-at-a-time rule the
    // single thread keeps.
    unsafe impl core::alloc::GlobalAlloc for Allocator {
        unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
            // SAFETY: as `GlobalAlloc::alloc`, upheld by the caller.
            unsafe { self.0.alloc(layout) }
        }

        unsafe fn dealloc(&self, block: *mut u8, layout: core::alloc::Layout) {
            // SAFETY: as `GlobalAlloc::dealloc`, upheld by the caller.
            unsafe { self.0.dealloc(block, layout) }
        }

        unsafe fn realloc(
            &self,
            block: *mut u8,
            layout: core::alloc::Layout,
            new_size: usize,
        ) -> *mut u8 {
            // SAFETY: as `GlobalAlloc::realloc`, upheld by the caller.
            unsafe { self.0.realloc(block, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Allocator = Allocator(Wiping::new(WasmGrowAndExtend::new()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;
    use talc::source::Claim;

    /// A heap over one leaked host allocation of `size` bytes; its bytes for scans.
    fn heap(size: usize) -> (Wiping<Claim>, &'static [u8]) {
        let arena: &'static mut [u8] = Vec::leak(std::vec![0u8; size]);
        let range = arena.as_mut_ptr();
        // SAFETY: the arena is leaked: talc alone writes it for the test's life.
        let heap = Wiping::new(unsafe { Claim::new(range, size) });
        // SAFETY: read only through raw bytes after talc's writes (a scan).
        (heap, unsafe { std::slice::from_raw_parts(range, size) })
    }

    fn count(arena: &[u8], needle: &[u8]) -> usize {
        // SAFETY: the arena stays mapped; a volatile copy, since talc writes it
        // behind the slice's back.
        let copy: Vec<u8> = (0..arena.len())
            .map(|i| unsafe { ptr::read_volatile(arena.as_ptr().add(i)) })
            .collect();
        copy.windows(needle.len()).filter(|w| *w == needle).count()
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

    fn check(live: &Live, len: usize) {
        assert_eq!(live.ptr as usize % live.layout.align(), 0, "aligned");
        // SAFETY: the block is live and at least `len` long.
        let bytes = unsafe { std::slice::from_raw_parts(live.ptr, len) };
        assert!(bytes.iter().all(|&b| b == live.fill), "contents kept");
    }

    #[test]
    fn random_alloc_free_realloc_keep_contents_alignment_and_disjointness() {
        let (heap, _) = heap(256 << 20);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut live: Vec<Live> = Vec::new();
        for round in 0..10_000u32 {
            let r = rng(&mut state);
            let size = 1 + match r % 100 {
                0 => (1 << 20) + (r >> 8) as usize % (1 << 19),
                1..=5 => (r >> 8) as usize % (200 * 1024),
                _ => (r >> 8) as usize % 300,
            };
            let align = 1usize << ((r >> 40) % 8); // up to 128
            let fill = round as u8 | 1;
            match (r >> 48) % 3 {
                0 if !live.is_empty() => {
                    let l = live.swap_remove((r >> 20) as usize % live.len());
                    check(&l, l.layout.size());
                    // SAFETY: allocated below with this layout.
                    unsafe { heap.dealloc(l.ptr, l.layout) };
                }
                1 if !live.is_empty() => {
                    let i = (r >> 20) as usize % live.len();
                    let old = &live[i];
                    // SAFETY: allocated with `old.layout`; `size` is non-zero.
                    let ptr = unsafe { heap.realloc(old.ptr, old.layout, size) };
                    assert!(!ptr.is_null());
                    let moved = Live { ptr, ..*old };
                    check(&moved, old.layout.size().min(size));
                    let layout = Layout::from_size_align(size, old.layout.align()).unwrap();
                    // SAFETY: `ptr` holds `size` bytes.
                    unsafe { ptr.write_bytes(fill, size) };
                    live[i] = Live { ptr, layout, fill };
                }
                _ => {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    // SAFETY: non-zero size.
                    let ptr = unsafe { heap.alloc(layout) };
                    assert!(!ptr.is_null());
                    // SAFETY: `ptr` holds `size` bytes.
                    unsafe { ptr.write_bytes(fill, size) };
                    live.push(Live { ptr, layout, fill });
                }
            }
            if round % 1000 == 0 {
                let mut spans: Vec<(usize, usize)> = live
                    .iter()
                    .map(|l| (l.ptr as usize, l.ptr as usize + l.layout.size()))
                    .collect();
                spans.sort_unstable();
                assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "no overlap");
                live.iter().for_each(|l| check(l, l.layout.size()));
            }
        }
    }

    #[test]
    fn freed_moved_and_shrunk_bytes_are_zeroed() {
        let (heap, arena) = heap(4 << 20);
        let secret = b"client-secret-7f3a9c";
        let put = |len: usize| {
            let layout = Layout::from_size_align(len, 1).unwrap();
            // SAFETY: non-zero size; filled with copies of the secret.
            let p = unsafe { heap.alloc(layout) };
            for i in 0..len / secret.len() {
                // SAFETY: in bounds of the block.
                unsafe {
                    ptr::copy_nonoverlapping(secret.as_ptr(), p.add(i * secret.len()), secret.len())
                };
            }
            (p, layout)
        };
        let (a, la) = put(10 * secret.len());
        let (b, lb) = put(100 * secret.len());
        let (_keep, _) = put(secret.len()); // holds one copy on purpose
        assert_eq!(count(arena, secret), 111);
        // SAFETY: `a` and `b` are ours, of these layouts.
        unsafe {
            heap.dealloc(a, la);
            let b = heap.realloc(b, lb, 4 * secret.len()); // shrunk: the tail is zeroed
            assert_eq!(count(arena, secret), 5);
            let b = heap.realloc(
                b,
                Layout::from_size_align(4 * secret.len(), 1).unwrap(),
                1 << 20,
            );
            assert_eq!(count(arena, secret), 5, "a move leaves no copy behind");
            heap.dealloc(b, Layout::from_size_align(1 << 20, 1).unwrap());
        }
        assert_eq!(count(arena, secret), 1);
    }

    #[test]
    fn freed_neighbours_merge_into_one_block() {
        // Room for the two halves and a little: the whole fits only where they were.
        let (heap, _) = heap((2 << 20) + 4096);
        let half = Layout::from_size_align((1 << 20) + 1, 8).unwrap();
        let whole = Layout::from_size_align(2 << 20, 8).unwrap();
        // SAFETY: each block is freed once, with the layout it was allocated with.
        unsafe {
            let a = heap.alloc(half);
            let b = heap.alloc(half);
            assert!(!a.is_null() && !b.is_null());
            assert!(heap.alloc(whole).is_null(), "full");
            heap.dealloc(a, half);
            heap.dealloc(b, half);
            assert_eq!(
                heap.alloc(whole),
                a,
                "two freed neighbours serve one bigger block"
            );
        }
    }
}
