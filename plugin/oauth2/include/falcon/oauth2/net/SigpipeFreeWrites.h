#pragma once

#include <openssl/ssl.h>

namespace Falcon {
namespace OAuth2 {

/// Makes every TLS connection made from `context` send with send(MSG_NOSIGNAL) instead of
/// OpenSSL's write(2): a write to a connection the peer (or the deadline) has closed then fails
/// with EPIPE instead of raising SIGPIPE, whose default action would end the host. A plugin may
/// neither change the host's signal dispositions nor, at two system calls a call, afford to mask
/// the signal around each one. Plain sockets send with MSG_NOSIGNAL already (Poco's own sends).
///
/// Each connection's write side is given a BIO of its own when its handshake starts (an info
/// callback of the context): Poco makes the connection and its socket BIO where we cannot reach
/// them. Reads keep OpenSSL's socket BIO.
void writeWithoutSigpipe(SSL_CTX* context);

}
} // namespace Falcon::OAuth2
