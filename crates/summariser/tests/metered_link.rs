//! A summariser writing to a remote MongoDB (Atlas's free tier, as the README suggests) over a
//! metered link: each hourly run of the default sources moves about 0.3 MB with the server
//! (the stored versions of the batch's keys come back whole), about 7 MB a day.

mod common;

use common::{Workspace, quake, snapshot};

/// `compressors` is MongoDB's own URI option for compressing a connection's traffic
/// (`mongodb://…/?compressors=zstd,zlib`, documented by every MongoDB driver and by Atlas), the
/// first thing a user paying for each megabyte adds. relevé's driver is built without any
/// compression, so the URI is refused, every run, as "compressors is an invalid option. An
/// option with a similar name exists: compressors": a contradiction that names no way out.
/// Once fixed, either the run goes on (compressing, or the option set aside with a word), or
/// it says plainly that relevé cannot compress its MongoDB traffic and to remove the option.
#[test]
fn a_uri_asking_mongodb_to_compress_its_traffic_is_not_called_an_invalid_option() {
    let ws = Workspace::new("compressors");
    ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("us1", (9, 30), 2.0)]),
    );
    let base = testkit::MongoServer::shared().uri().trim_end_matches('/');
    let uri = if base.contains('?') {
        format!("{base}&compressors=zlib")
    } else {
        format!("{base}/?compressors=zlib")
    };
    let output = ws.command(&uri).output().expect("summariser runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success()
            || (!stderr.contains("is an invalid option") && stderr.contains("compressors")),
        "a URI with MongoDB's `compressors` option: exit {:?}, said: {stderr}",
        output.status.code()
    );
}
