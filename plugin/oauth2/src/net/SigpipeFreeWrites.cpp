#include "falcon/oauth2/net/SigpipeFreeWrites.h"

#include <openssl/bio.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

namespace Falcon {
namespace OAuth2 {

namespace {

int descriptorOf(BIO* bio)
{
	return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
}

int sendQuietly(BIO* bio, const char* data, int length)
{
	errno = 0;
	const auto sent = ::send(descriptorOf(bio), data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
	BIO_clear_retry_flags(bio);
	// As OpenSSL's socket BIO: a full send buffer (non-blocking) or an interruption is retried.
	if (sent <= 0 && BIO_sock_should_retry(static_cast<int>(sent))) BIO_set_retry_write(bio);
	return static_cast<int>(sent);
}

long control(BIO* bio, int command, long, void* argument)
{
	switch (command)
	{
	case BIO_C_GET_FD:
		if (argument) *static_cast<int*>(argument) = descriptorOf(bio);
		return descriptorOf(bio);
	case BIO_CTRL_FLUSH: return 1; // nothing is held back
	default: return 0;
	}
}

int created(BIO* bio)
{
	BIO_set_init(bio, 1);
	return 1;
}

/// The write side's method, made once, and its type (a new index: told apart from OpenSSL's).
struct QuietSocketWrites
{
	QuietSocketWrites():
		type(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR),
		method(BIO_meth_new(type, "socket, MSG_NOSIGNAL"))
	{
		BIO_meth_set_write(method, sendQuietly);
		BIO_meth_set_ctrl(method, control);
		BIO_meth_set_create(method, created);
	}

	const int type;
	BIO_METHOD* const method;
};

const QuietSocketWrites& quietSocketWrites()
{
	static const QuietSocketWrites writes;
	return writes;
}

void onStateChange(const SSL* constConnection, int where, int)
{
	if (!(where & SSL_CB_HANDSHAKE_START)) return;
	// The callback is handed the connection as const; it is the connection being set up.
	SSL* connection = const_cast<SSL*>(constConnection);
	const QuietSocketWrites& writes = quietSocketWrites();
	BIO* current = SSL_get_wbio(connection);
	if (!current || BIO_method_type(current) == writes.type) return; // a later handshake: done already
	const int descriptor = SSL_get_wfd(connection);
	if (descriptor < 0 || !writes.method) return;
	BIO* quiet = BIO_new(writes.method);
	if (!quiet) return; // out of memory: the connection keeps OpenSSL's writes
	BIO_set_data(quiet, reinterpret_cast<void*>(static_cast<std::intptr_t>(descriptor)));
	SSL_set0_wbio(connection, quiet);
}

} // namespace

void writeWithoutSigpipe(SSL_CTX* context)
{
	SSL_CTX_set_info_callback(context, onStateChange);
}

}
} // namespace Falcon::OAuth2
