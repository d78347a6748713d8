//! Build facts for `lambdatop --version`: the commit (from git, when built from a clone) and the
//! build date (`SOURCE_DATE_EPOCH` when set, for reproducible builds, else today).
//!
//! The script reruns only when the checked-out commit changes (`.git/HEAD` and the ref it points
//! to) or `SOURCE_DATE_EPOCH` does, so an ordinary edit does not rebuild for it. Built from a
//! package, without `.git`, the commit reads "unknown".

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = if manifest_dir.join(".git").exists() {
        watch_head(&manifest_dir);
        git(&manifest_dir, &["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    let commit = commit.unwrap_or_else(|| "unknown".to_string());
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    let (y, m, d) = civil_from_days(epoch.div_euclid(86_400));
    println!("cargo:rustc-env=LAMBDATOP_COMMIT={commit}");
    println!("cargo:rustc-env=LAMBDATOP_BUILD_DATE={y:04}-{m:02}-{d:02}");
    println!(
        "cargo:rustc-env=LAMBDATOP_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
}

/// Reruns the script when HEAD moves: `HEAD` itself, the branch it names and the packed refs
/// (paths asked of git, so a worktree's and a plain clone's layouts both work).
fn watch_head(dir: &Path) {
    let mut paths = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(branch);
    }
    for p in paths {
        if let Some(file) = git(dir, &["rev-parse", "--git-path", &p]) {
            let file = dir.join(file);
            // A missing file would make cargo rerun the script on every build.
            if file.exists() {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
    }
}

/// The trimmed output of a successful git command.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_string())
}

/// Year, month and day of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
