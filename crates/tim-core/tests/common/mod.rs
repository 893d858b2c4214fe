//! Helpers shared by the integration tests that damage store files (`damaged_store.rs`,
//! `salvage.rs`). Each test binary includes this module with `mod common;`.

/// Flips 100 bytes in every `every`-th 4 KiB page past the first 20,000 bytes (the file's header
/// and first pages are left, so that redb still takes it for one of its files; damage in every
/// page makes a file redb cannot open at all, every 7th one it opens).
pub fn damage_pages(path: &std::path::Path, every: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    for page in (20_000..len.saturating_sub(4096)).step_by(every * 4096) {
        for byte in &mut bytes[page + 100..page + 200] {
            *byte ^= 0x5A;
        }
    }
    std::fs::write(path, bytes).unwrap();
}
