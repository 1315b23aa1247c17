#include "falcon/oauth2/net/TlsContexts.h"

#include "falcon/oauth2/core/ProcessLocal.h"
#include "falcon/oauth2/net/SigpipeFreeWrites.h"

#include <Poco/Net/SSLException.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/stat.h>

#include <map>
#include <mutex>

namespace Falcon {
namespace OAuth2 {

namespace {

/// A file as it is now on disk: a change to it (a renewed certificate) makes another key.
std::string versionOf(const std::string& path)
{
	struct stat status
	{
	};
	if (path.empty() || ::stat(path.c_str(), &status) != 0) return path; // unreadable: the context reports it
	return path + "\n" + std::to_string(status.st_ino) + "\n" + std::to_string(status.st_size) + "\n"
		+ std::to_string(status.st_mtim.tv_sec) + "." + std::to_string(status.st_mtim.tv_nsec);
}

/// Loads the client's certificate chain and key into `context` with OpenSSL directly: Poco's own
/// loading would ask the host's SSLManager for a passphrase. An encrypted key is refused here.
void presentClientCertificate(Poco::Net::Context& context, const std::string& certificate, const std::string& key)
{
	SSL_CTX* ssl = context.sslContext();
	SSL_CTX_set_default_passwd_cb(ssl, [](char*, int, int, void*) { return 0; });
	const bool loaded = SSL_CTX_use_certificate_chain_file(ssl, certificate.c_str()) == 1
		&& SSL_CTX_use_PrivateKey_file(ssl, key.c_str(), SSL_FILETYPE_PEM) == 1 && SSL_CTX_check_private_key(ssl) == 1;
	ERR_clear_error();
	if (!loaded)
		throw Poco::Net::SSLContextException("the client certificate " + certificate + " and key " + key
			+ " cannot be used (unreadable, not PEM, not a pair, or the key is encrypted)");
}

} // namespace

Poco::Net::Context::Ptr sharedTlsContext(
	const std::string& caBundle, bool verify, const std::string& clientCert, const std::string& clientKey)
{
	struct Contexts
	{
		std::mutex mutex;
		std::map<std::string, Poco::Net::Context::Ptr> byTrust;
	};
	static ProcessLocal<Contexts> shared;
	Contexts& local = shared.get();
	std::mutex& mutex = local.mutex;
	auto& contexts = local.byTrust;
	const std::string key = std::string(verify ? "verify\n" : "no-verify\n") + versionOf(caBundle) + "\n"
		+ versionOf(clientCert) + "\n" + versionOf(clientKey);
	std::lock_guard<std::mutex> lock(mutex);
	auto found = contexts.find(key);
	if (found != contexts.end()) return found->second;
	// Our own Context: the host's SSLManager settings, whatever they are, never apply to us.
	Poco::Net::Context::Params params;
	params.caLocation = caBundle;
	params.loadDefaultCAs = caBundle.empty(); // a CA bundle given is the whole trust
	params.verificationMode = verify ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE;
	params.verificationDepth = 9;
	Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
	context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
	context->enableSessionCache(true); // a connection may offer its last session when it reconnects
	writeWithoutSigpipe(context->sslContext());
	if (!clientCert.empty()) presentClientCertificate(*context, clientCert, clientKey);
	if (contexts.size() >= 64) contexts.clear(); // sessions keep theirs; only sharing restarts
	contexts.emplace(key, context);
	return context;
}

}
} // namespace Falcon::OAuth2
