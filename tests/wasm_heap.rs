//! The crate's wasm allocator (src/heap.rs) as the global allocator of a
//! real wasm module: freed neighbours merge (memory stays bounded), and
//! random allocations, reallocations and frees through `std::alloc` keep
//! alignment and contents, and nothing overlaps.
#![cfg(target_arch = "wasm32")]

use std::alloc::{alloc, dealloc, realloc, Layout};
use wasm_bindgen_test::*;
// Linked only when named: its #[global_allocator] comes with it.
use crm_auth as _;

struct Live {
    ptr: *mut u8,
    layout: Layout,
    fill: u8,
}

impl Live {
    fn bytes(&self) -> &[u8] {
        // SAFETY: the block is live and `layout.size()` long.
        unsafe { std::slice::from_raw_parts(self.ptr, self.layout.size()) }
    }
}

#[wasm_bindgen_test]
fn freed_neighbours_merge_and_sizes_are_not_rounded_up() {
    // 1 MiB + 1 took a 2 MiB block of its own with the power-of-two heap, and
    // two freed ones never served a 2 MiB request: 64+ pages per round.
    let pages = || core::arch::wasm32::memory_size(0);
    let half = Layout::from_size_align((1 << 20) + 1, 1).unwrap();
    let whole = Layout::from_size_align(2 << 20, 1).unwrap();
    let before = pages();
    for _ in 0..50 {
        // SAFETY: non-zero sizes; each block freed once with its layout.
        unsafe {
            let a = alloc(half);
            let b = alloc(half);
            assert!(!a.is_null() && !b.is_null());
            dealloc(a, half);
            dealloc(b, half);
            let c = alloc(whole);
            assert!(!c.is_null());
            dealloc(c, whole);
        }
    }
    let grown = pages() - before;
    assert!(grown <= 40, "grew by {grown} pages of 64 KiB (bound: 40)");
}

#[wasm_bindgen_test]
fn random_alloc_free_realloc() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut live: Vec<Live> = Vec::new();
    for round in 0..4000u32 {
        let r = next();
        let size = match r % 100 {
            0 => (1 << 20) + (r >> 8) as usize % (1 << 19),
            1..=5 => (r >> 8) as usize % (100 * 1024),
            _ => 1 + (r >> 8) as usize % 300,
        };
        let align = 1usize << ((r >> 40) % 7);
        match (r >> 48) % 3 {
            0 if !live.is_empty() => {
                let l = live.swap_remove((r >> 20) as usize % live.len());
                assert!(l.bytes().iter().all(|&b| b == l.fill));
                // SAFETY: allocated below with this layout.
                unsafe { dealloc(l.ptr, l.layout) };
            }
            1 if !live.is_empty() => {
                let i = (r >> 20) as usize % live.len();
                let old = &live[i];
                let keep = old.layout.size().min(size);
                // SAFETY: allocated with `old.layout`; `size` is non-zero.
                let ptr = unsafe { realloc(old.ptr, old.layout, size) };
                assert!(!ptr.is_null() && ptr as usize % old.layout.align() == 0);
                // SAFETY: the first `keep` bytes were copied.
                assert!(unsafe { std::slice::from_raw_parts(ptr, keep) }
                    .iter()
                    .all(|&b| b == old.fill));
                let layout = Layout::from_size_align(size, old.layout.align()).unwrap();
                // SAFETY: `ptr` holds `size` bytes.
                unsafe { ptr.write_bytes(round as u8, size) };
                live[i] = Live {
                    ptr,
                    layout,
                    fill: round as u8,
                };
            }
            _ => {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero size.
                let ptr = unsafe { alloc(layout) };
                assert!(!ptr.is_null() && ptr as usize % align == 0);
                // SAFETY: `ptr` holds `size` bytes.
                unsafe { ptr.write_bytes(round as u8, size) };
                live.push(Live {
                    ptr,
                    layout,
                    fill: round as u8,
                });
            }
        }
    }
    let mut spans: Vec<(usize, usize)> = live
        .iter()
        .map(|l| (l.ptr as usize, l.ptr as usize + l.layout.size()))
        .collect();
    spans.sort_unstable();
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "no overlap");
    assert!(live.iter().all(|l| l.bytes().iter().all(|&b| b == l.fill)));
    for l in live {
        // SAFETY: allocated above with this layout.
        unsafe { dealloc(l.ptr, l.layout) };
    }
}
