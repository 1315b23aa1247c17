#include "falcon/oauth2/net/TlsContexts.h"

#include "falcon/oauth2/core/ProcessLocal.h"

#include <sys/stat.h>

#include <map>
#include <mutex>

namespace Falcon {
namespace OAuth2 {

Poco::Net::Context::Ptr sharedTlsContext(const std::string& caBundle, bool verify)
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
	std::string key = std::string(verify ? "verify\n" : "no-verify\n") + caBundle;
	struct stat status
	{
	};
	if (!caBundle.empty() && ::stat(caBundle.c_str(), &status) == 0) // unreadable: the context reports it
	{
		key += "\n" + std::to_string(status.st_ino) + "\n" + std::to_string(status.st_size) + "\n"
			+ std::to_string(status.st_mtim.tv_sec) + "." + std::to_string(status.st_mtim.tv_nsec);
	}
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
	if (contexts.size() >= 64) contexts.clear(); // sessions keep theirs; only sharing restarts
	contexts.emplace(key, context);
	return context;
}

}
} // namespace Falcon::OAuth2
