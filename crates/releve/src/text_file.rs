//! Reading a text file people write by hand (`sources.toml`, `.env`): not UTF-8 is said in
//! words a user can act on, with the line of the first bad byte.

use std::io;
use std::path::Path;

/// The file's text, without the marks Windows editors add that are no part of it: Notepad's
/// "UTF-8 with BOM" mark (at the start of any line, as in files joined), and DOS's end-of-file mark (Ctrl-Z) after the last line. Bytes that
/// are not UTF-8 are an [`io::ErrorKind::InvalidData`] error saying which line holds the
/// first of them, or that the file is UTF-16 (what Windows editors save as "Unicode",
/// recognised by its byte-order mark).
pub fn read(path: &Path) -> io::Result<String> {
    decode(std::fs::read(path)?).map(without_editor_marks)
}

/// [`read`] of a file already open (judged by its handle before it is read).
pub fn read_open(mut file: std::fs::File) -> io::Result<String> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    decode(bytes).map(without_editor_marks)
}

fn without_editor_marks(text: String) -> String {
    // Files Notepad saved with the mark, joined (`type a b > c`), keep each one's at the
    // start of its first line.
    let text = if text.contains("\n\u{feff}") {
        text.replace("\n\u{feff}", "\n")
    } else {
        text
    };
    let kept = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let kept = kept
        .trim_end_matches(['\r', '\n'])
        .strip_suffix('\u{1a}')
        .unwrap_or(kept);
    if kept.len() == text.len() {
        text
    } else {
        kept.to_owned()
    }
}

fn decode(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|err| {
        let utf16 = matches!(err.as_bytes(), [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
        let message = if utf16 {
            "the file is UTF-16 text: save it as UTF-8".to_owned()
        } else {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            format!("line {line} is not UTF-8 text: save the file as UTF-8")
        };
        io::Error::new(io::ErrorKind::InvalidData, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_editors_marks_are_not_part_of_the_text() {
        let read = |text: &str| without_editor_marks(text.to_owned());
        assert_eq!(read("\u{feff}a = 1\r\n"), "a = 1\r\n");
        assert_eq!(
            read("\u{feff}a = 1\r\n\u{feff}b = 2\r\n"),
            "a = 1\r\nb = 2\r\n"
        );
        assert_eq!(read("a = \"x\u{feff}\"\n"), "a = \"x\u{feff}\"\n");
        assert_eq!(read("a = 1\r\n\u{1a}"), "a = 1\r\n");
        assert_eq!(read("a = 1\r\n\u{1a}\r\n"), "a = 1\r\n");
        // Anywhere else it is the file's, for its reader to refuse.
        assert_eq!(read("a\u{1a} = 1\n"), "a\u{1a} = 1\n");
        assert_eq!(read("a = 1\n"), "a = 1\n");
    }

    #[test]
    fn text_that_is_not_utf8_names_its_line_or_says_utf16() {
        assert_eq!(decode(b"a\nb\n".to_vec()).ok().as_deref(), Some("a\nb\n"));
        let latin1 = decode(b"a = 1\n# caf\xe9\n".to_vec()).expect_err("Latin-1");
        assert_eq!(latin1.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            latin1.to_string(),
            "line 2 is not UTF-8 text: save the file as UTF-8"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a = 1\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(
            decode(utf16).expect_err("UTF-16").to_string(),
            "the file is UTF-16 text: save it as UTF-8"
        );
    }
}
