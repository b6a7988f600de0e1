//! Serves the bundled recorded responses of the default sources on a free loopback port for
//! the offline demo; prints the base URL, then serves until killed.
//!
//! Usage: `releve-replay FIXTURES_DIR`

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let Some(fixtures) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: releve-replay FIXTURES_DIR");
        return std::process::ExitCode::from(2);
    };
    let router = match testkit::replay::router(&fixtures) {
        Ok(router) => router,
        Err(err) => {
            eprintln!(
                "releve-replay: cannot read the recorded responses in {}: {err}",
                fixtures.display()
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    let server = match testkit::http::LocalServer::try_start(router) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("releve-replay: cannot serve on a loopback port: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("{}", server.url());
    loop {
        std::thread::park();
    }
}
