//! Any bytes given as a PDF, read exactly as the reader child (`mandates read-source`) reads
//! them: the PDF library's panics are caught and become "damaged" (counted and named once
//! on standard error here, so that a run shows them); anything else that goes wrong (an
//! abort, an allocation beyond the limit, a loop) is a finding.
#![no_main]

use std::collections::HashSet;
use std::sync::{Mutex, Once};

use libfuzzer_sys::fuzz_target;
use mandates::resolution::source_text;

static HOOK: Once = Once::new();
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts on every panic, even a caught one; the child only silences them.
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
            if seen.get_or_insert_with(HashSet::new).insert(place.clone()) {
                eprintln!("caught panic in the PDF reader at {place}: {info}");
            }
        }))
    });
    if !data.starts_with(b"%PDF-") {
        return;
    }
    let _ = source_text(data);
});
