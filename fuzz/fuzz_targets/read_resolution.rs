//! Any bytes given to `mandates extract` as text: decoding, the structure parser and the
//! clause classifier must never panic, loop or overflow.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mandates::resolution::{SessionCalendar, read_resolution, source_text};

static CALENDAR: LazyLock<SessionCalendar> = LazyLock::new(SessionCalendar::builtin);

fuzz_target!(|data: &[u8]| {
    // PDF and Word go through third-party readers; the text path is ours.
    if data.starts_with(b"%PDF-") || data.starts_with(b"PK\x03\x04") {
        return;
    }
    if let Ok((_, text)) = source_text(data) {
        let _ = read_resolution(&text, &CALENDAR);
    }
});
