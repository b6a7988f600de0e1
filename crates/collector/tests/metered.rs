//! Data use on a metered, slow link (a 4G hotspot of a few GB a month at a few hundred kB/s):
//! what the collector downloads, and that it never downloads what cannot land.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use collector::SourceResult;
use common::{Site, fast_policy, usgs_body, usgs_source_every};

/// A loopback feed that answers every request with `body`, announced whole by its
/// `Content-Length` and then sent `chunk` bytes every `every`, as a slow link brings it: the
/// requests it received and the body bytes it sent, over all of them.
fn dripping_feed(
    body: String,
    chunk: usize,
    every: Duration,
) -> (String, Arc<AtomicUsize>, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/feed", listener.local_addr().expect("addr"));
    let requests = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let (counted, bytes) = (requests.clone(), sent.clone());
    let body = Arc::new(body.into_bytes());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (counted, bytes, body) = (counted.clone(), bytes.clone(), body.clone());
            std::thread::spawn(move || {
                // The request's head, read to its blank line.
                let mut head = Vec::new();
                let mut byte = [0_u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                if stream.write_all(answer.as_bytes()).is_err() {
                    return;
                }
                for piece in body.chunks(chunk) {
                    if stream
                        .write_all(piece)
                        .and_then(|()| stream.flush())
                        .is_err()
                    {
                        return;
                    }
                    bytes.fetch_add(piece.len() as u64, Ordering::SeqCst);
                    std::thread::sleep(every);
                }
            });
        }
    });
    (url, requests, sent)
}

/// USGS's `all_week` (10 MB) at 200 kB/s takes 50 s, past the default 30 s `timeout`: the
/// answer was coming in, steadily, when the time limit struck. Trying it again at the same
/// speed (the next attempt with the same limit, or with less: the time left before the next
/// run) can only time out again, and each attempt costs the user as many megabytes of their
/// plan as arrived. Here, scaled down: 400 kB dripped at 100 kB/s (4 s) against a 1 s
/// `timeout`, on a source collected every 15 minutes, so the deadline leaves room for every
/// attempt. The user should pay for the answer at most once per run: either it is read to its
/// end while it keeps coming, or the run stops at the first attempt and says the answer was
/// still arriving (raise `timeout`). Today it is downloaded again at each of the attempts.
#[tokio::test]
async fn an_answer_still_arriving_at_its_timeout_is_not_downloaded_again_at_each_retry() {
    let body = usgs_body(2000);
    assert!(body.len() > 300_000, "{}", body.len());
    let (url, requests, sent) = dripping_feed(body, 10_000, Duration::from_millis(100));
    let site = Site::new(&usgs_source_every("usgs", &url, "15m", "timeout = \"1s\""));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let result = &outcome.sources[0].1;
    let downloads = requests.load(Ordering::SeqCst);
    let bytes = sent.load(Ordering::SeqCst);
    assert!(
        matches!(
            result,
            SourceResult::Landed { .. } | SourceResult::Failed(_)
        ),
        "{result:?}"
    );
    if let SourceResult::Failed(reason) = result {
        assert!(
            reason.contains("still arriving") && reason.contains("raise the source's `timeout`"),
            "the failure says the answer was still coming in, and what to do: {reason}"
        );
    }
    assert_eq!(
        downloads, 1,
        "an answer still arriving when the timeout struck was downloaded {downloads} times in \
         one run ({bytes} bytes of a metered plan, none of it landed): {result:?}"
    );
}
