//! A body mended in a few places (near-JSON made JSON), copied only once a place is found: an
//! answer that needs no mending, most of them, is never copied.

/// Replacements made in `body`, left to right.
pub(super) struct Edits<'a> {
    body: &'a [u8],
    /// The mended body up to `from`, once a replacement is made.
    out: Option<Vec<u8>>,
    /// Where the part of `body` not copied yet starts.
    from: usize,
    count: usize,
}

impl<'a> Edits<'a> {
    pub(super) fn new(body: &'a [u8]) -> Self {
        Edits {
            body,
            out: None,
            from: 0,
            count: 0,
        }
    }

    /// Replaces the `len` bytes at `at` (past what was replaced before) by `with`.
    pub(super) fn replace(&mut self, at: usize, len: usize, with: &[u8]) {
        let out = self
            .out
            .get_or_insert_with(|| Vec::with_capacity(self.body.len()));
        out.extend_from_slice(&self.body[self.from..at]);
        out.extend_from_slice(with);
        self.from = at + len;
        self.count += 1;
    }

    /// The mended body and how many replacements it took; `None` when none was made.
    pub(super) fn finish(self) -> Option<(Vec<u8>, usize)> {
        let mut out = self.out?;
        out.extend_from_slice(&self.body[self.from..]);
        Some((out, self.count))
    }
}
