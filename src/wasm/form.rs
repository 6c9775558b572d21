//! Form integration (issue 4).
