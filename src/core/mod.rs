//! Sans-IO core: pure Rust, no JS types. Requests are built as data and
//! responses parsed as data; the `http` module executes them.
