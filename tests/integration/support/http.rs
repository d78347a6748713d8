//! The HTTP/1.1 framing the scripted peers share: one request at a time off a connection.

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The next request on `sock` (bytes already read and not used wait in `buf`): its head and
/// its body of `Content-Length` bytes. `None` when the connection ends.
pub async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<(String, Vec<u8>)> {
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        read_more(sock, buf).await?;
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let len = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0usize);
    while buf.len() < header_end + len {
        read_more(sock, buf).await?;
    }
    let body = buf.drain(..header_end + len).skip(header_end).collect();
    Some((head, body))
}

/// The value of header `name` (any case) in a request's `head`.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

async fn read_more(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match sock.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buf.extend(&chunk[..n]);
            Some(())
        }
    }
}
