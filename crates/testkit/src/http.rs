//! A loopback HTTP server for tests: serve an axum router on 127.0.0.1 (`::1` on a machine whose
//! loopback has no IPv4 address) on a free port, in a background thread with its own runtime, so
//! both async and blocking tests can use it.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// A running loopback server; it stops when the process ends.
pub struct LocalServer {
    addr: SocketAddr,
}

impl LocalServer {
    /// Serves `router` on a free loopback port; for tests, where failing to start is fatal.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(router: axum::Router) -> LocalServer {
        match LocalServer::try_start(router) {
            Ok(server) => server,
            Err(err) => panic!("cannot start a loopback server: {err}"),
        }
    }

    /// Serves `router` on a free loopback port, or says why it cannot. The port is bound
    /// before this returns, so the URL answers at once.
    pub fn try_start(router: axum::Router) -> io::Result<LocalServer> {
        let listener = loopback_listener()?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        std::thread::spawn(move || {
            runtime.block_on(async move {
                let served = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => axum::serve(listener, router).await,
                    Err(err) => Err(err),
                };
                if let Err(err) = served {
                    eprintln!("The loopback server on {addr} stopped: {err}");
                }
            });
        });
        Ok(LocalServer { addr })
    }

    /// `http://127.0.0.1:PORT` (`http://[::1]:PORT` on IPv6 loopback).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A listener on a free port of 127.0.0.1, else of `::1` where the loopback has no IPv4 address
/// (an IPv6-only server or container), the first error said if neither can be bound.
fn loopback_listener() -> io::Result<std::net::TcpListener> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .or_else(|ipv4| std::net::TcpListener::bind("[::1]:0").map_err(|_| ipv4))
}

/// The requests a double received, in order, each as `endpoint?k=v&k=v`.
#[derive(Clone, Default)]
pub struct RequestLog(Arc<Mutex<Vec<String>>>);

impl RequestLog {
    /// Records one request.
    pub fn note(&self, endpoint: &str, params: &[(String, String)]) {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Ok(mut requests) = self.0.lock() {
            requests.push(format!("{endpoint}?{}", query.join("&")));
        }
    }

    /// Every request so far.
    pub fn all(&self) -> Vec<String> {
        self.0.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// The first value of query parameter `name`.
pub fn query_param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// A loopback port that refuses connections, held for as long as the returned socket lives:
/// bound, never listening, so no other test can take it meanwhile (a port found free and
/// let go could be taken by a test running beside, and answer).
///
/// # Panics
/// When no loopback port can be bound.
pub fn refusing_port() -> (socket2::Socket, SocketAddr) {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("a loopback port");
    let addr = socket
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_socket())
        .expect("its address");
    (socket, addr)
}
