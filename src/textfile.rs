//! Reading the small text files a user names: the config file and theme files.
//!
//! A path can name anything: `/dev/zero` never ends, `/dev/urandom` is not text, a FIFO without a
//! writer blocks the `open`, and a 40 MB file would be parsed whole. Only regular files are read,
//! at most [`MAX_BYTES`] of them, and only as UTF-8 text.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest file read: far more than any config or theme needs.
pub const MAX_BYTES: u64 = 1 << 20;

/// Why a file could not be read as text. The messages never quote the file.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("it is larger than {} MiB", MAX_BYTES >> 20)]
    TooLarge,
    #[error("it is not text (not UTF-8)")]
    NotText,
}

impl TextFileError {
    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, TextFileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads the regular file at `path` as UTF-8 text of at most [`MAX_BYTES`].
pub fn read(path: &Path) -> Result<String, TextFileError> {
    let file = open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(TextFileError::NotRegular(kind(&meta.file_type())));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(TextFileError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| TextFileError::NotText)
}

/// Opens for reading without waiting: opening a FIFO that has no writer would block.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits());
    }
    options.open(path)
}

/// What a file that is not a regular file is, for a message.
fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("lambdatop-textfile-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).expect("write");
        path
    }

    #[test]
    fn reads_a_small_text_file() {
        let path = temp("ok", b"window = \"1h\"\n");
        assert_eq!(read(&path).expect("read"), "window = \"1h\"\n");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn refuses_devices_directories_big_and_binary_files() {
        let e = read(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a character device, not a regular file"
        );
        let e = read(&std::env::temp_dir()).unwrap_err();
        assert_eq!(e.to_string(), "it is a directory, not a regular file");
        let exactly = temp("exactly", &vec![b'#'; MAX_BYTES as usize]);
        assert!(read(&exactly).is_ok(), "1 MiB is allowed");
        let big = temp("big", &vec![b'#'; MAX_BYTES as usize + 1]);
        assert_eq!(
            read(&big).unwrap_err().to_string(),
            "it is larger than 1 MiB"
        );
        let binary = temp("binary", b"\xff\xfe\x00secret");
        assert_eq!(
            read(&binary).unwrap_err().to_string(),
            "it is not text (not UTF-8)"
        );
        for p in [exactly, big, binary] {
            let _ = std::fs::remove_file(p);
        }
        assert!(
            read(Path::new("/nonexistent/x"))
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_a_writer_is_refused_at_once() {
        let path =
            std::env::temp_dir().join(format!("lambdatop-textfile-{}-fifo", std::process::id()));
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let e = read(&path).unwrap_err();
        assert_eq!(e.to_string(), "it is a FIFO, not a regular file");
        let _ = std::fs::remove_file(path);
    }
}
