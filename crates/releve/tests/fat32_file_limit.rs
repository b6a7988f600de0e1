//! A student keeps `raw/` and `reports/` on a USB stick formatted FAT32, whose files stop at
//! 4 GiB.

use releve::disk_fault::advice;

/// `analyser export --output /media/usb/records.csv` of a large source (or a landed file) on a
/// FAT32 stick: Linux's vfat refuses the write past 4 GiB - 1 with `EFBIG` ("File too large"),
/// the very error a `ulimit -f` gives. Every stage then says "a file past the size limit this
/// process was given (`ulimit -f`, set by the shell or cron's environment): raise or remove
/// the limit", and the student, whose `ulimit -f` is `unlimited`, is sent looking in the wrong
/// place: the limit is the file system's, which no setting raises (exFAT or ext4 do not have
/// it, or write elsewhere). Expected: the advice for `EFBIG` names FAT32's 4 GiB limit too.
#[test]
fn a_file_past_fat32_s_4_gib_limit_is_not_said_to_be_only_a_ulimit() {
    // EFBIG, as vfat gives it at 4 GiB.
    let efbig = std::io::Error::from_raw_os_error(27);
    let said = advice(&efbig).expect("advice for a file too large");
    assert!(
        said.contains("FAT32") && said.contains("4 GiB"),
        "a write refused past FAT32's 4 GiB limit is told to raise `ulimit -f`: {said}"
    );
}
