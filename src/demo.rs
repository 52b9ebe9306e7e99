//! The resolutions `serve --demo` imports so that a first start shows real data: the
//! series on terrorists and weapons of mass destruction (its follow-up chain), resolutions
//! of the eightieth session with deadlines ahead, and a Security Council and a Human Rights
//! Council resolution. The seed resolution A/RES/75/58 comes last, so it heads the list.

/// (file name, contents), in import order.
pub const DEMO_RESOLUTIONS: &[(&str, &[u8])] = &[
    (
        "A-HRC-RES-46-9.txt",
        include_bytes!("demo/A-HRC-RES-46-9.txt"),
    ),
    ("A-RES-74-43.txt", include_bytes!("demo/A-RES-74-43.txt")),
    ("A-RES-76-28.txt", include_bytes!("demo/A-RES-76-28.txt")),
    ("A-RES-77-98.txt", include_bytes!("demo/A-RES-77-98.txt")),
    ("A-RES-78-43.txt", include_bytes!("demo/A-RES-78-43.txt")),
    ("A-RES-78-79.txt", include_bytes!("demo/A-RES-78-79.txt")),
    ("A-RES-79-125.txt", include_bytes!("demo/A-RES-79-125.txt")),
    ("A-RES-79-296.txt", include_bytes!("demo/A-RES-79-296.txt")),
    ("A-RES-80-11.txt", include_bytes!("demo/A-RES-80-11.txt")),
    ("A-RES-80-30.txt", include_bytes!("demo/A-RES-80-30.txt")),
    ("A-RES-80-41.txt", include_bytes!("demo/A-RES-80-41.txt")),
    ("A-RES-80-54.txt", include_bytes!("demo/A-RES-80-54.txt")),
    ("A-RES-80-56.txt", include_bytes!("demo/A-RES-80-56.txt")),
    ("A-RES-80-6.txt", include_bytes!("demo/A-RES-80-6.txt")),
    ("A-RES-80-64.txt", include_bytes!("demo/A-RES-80-64.txt")),
    ("A-RES-80-66.txt", include_bytes!("demo/A-RES-80-66.txt")),
    (
        "S-RES-1445-2002.txt",
        include_bytes!("demo/S-RES-1445-2002.txt"),
    ),
    ("A-RES-75-58.txt", include_bytes!("demo/A-RES-75-58.txt")),
];
