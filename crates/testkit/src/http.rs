//! A loopback HTTP server for tests: serve an axum router on 127.0.0.1 on a free port, in a
//! background thread with its own runtime, so both async and blocking tests can use it.

use std::net::SocketAddr;

/// A running loopback server; it stops when the test process ends.
pub struct LocalServer {
    addr: SocketAddr,
}

impl LocalServer {
    /// Serves `router` on a free loopback port.
    pub fn start(router: axum::Router) -> LocalServer {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime for the local server");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind loopback");
                let addr = listener.local_addr().expect("local address");
                tx.send(addr).expect("report address");
                axum::serve(listener, router).await.expect("serve");
            });
        });
        let addr = rx.recv().expect("local server started");
        LocalServer { addr }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
