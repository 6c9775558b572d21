//! JS API (issue 3).
