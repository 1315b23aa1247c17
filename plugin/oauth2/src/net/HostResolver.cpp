#include "falcon/oauth2/net/HostResolver.h"

#include "falcon/oauth2/core/ProcessLocal.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>

#include <netdb.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace Falcon {
namespace OAuth2 {

namespace {

/// One asynchronous lookup: the request block glibc writes its answer into, and what it points at.
struct Lookup
{
	explicit Lookup(const std::string& host): name(host)
	{
		std::memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		std::memset(&request, 0, sizeof(request));
		request.ar_name = name.c_str();
		request.ar_request = &hints;
	}

	~Lookup()
	{
		if (request.ar_result) ::freeaddrinfo(request.ar_result);
	}

	bool finished() { return ::gai_error(&request) != EAI_INPROGRESS; }

	std::string name;
	addrinfo hints;
	gaicb request;
};

/// Lookups given up on while glibc still works on them. Reaped once they finish; reachable from
/// a pointer that is never destroyed, because glibc may write into them until then.
class Abandoned
{
public:
	static Abandoned& instance()
	{
		// Never destroyed (see above); one per process, as a fork could leave the lock held.
		static auto* abandoned = new ProcessLocal<Abandoned>;
		return abandoned->get();
	}

	void add(std::unique_ptr<Lookup> lookup)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		reapFinished();
		_lookups.push_back(std::move(lookup));
	}

	void reap()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		reapFinished();
	}

private:
	void reapFinished()
	{
		std::vector<std::unique_ptr<Lookup>> pending;
		for (auto& lookup : _lookups)
		{
			if (!lookup->finished()) pending.push_back(std::move(lookup));
		}
		_lookups.swap(pending);
	}

	std::mutex _mutex;
	std::vector<std::unique_ptr<Lookup>> _lookups;
};

Poco::Net::SocketAddress pick(const std::string& host, const addrinfo* list, Poco::UInt16 port)
{
	const addrinfo* chosen = nullptr;
	for (const addrinfo* entry = list; entry; entry = entry->ai_next)
	{
		if (entry->ai_family == AF_INET)
		{
			chosen = entry;
			break;
		}
		if (entry->ai_family == AF_INET6 && !chosen) chosen = entry;
	}
	if (!chosen) throw Poco::Net::HostNotFoundException(host + " has no IPv4 or IPv6 address");
	Poco::Net::SocketAddress address(chosen->ai_addr, static_cast<poco_socklen_t>(chosen->ai_addrlen));
	return Poco::Net::SocketAddress(address.host(), port);
}

} // namespace

Poco::Net::SocketAddress HostResolver::resolve(const std::string& host, Poco::UInt16 port, Deadline deadline)
{
	Poco::Net::IPAddress literal;
	if (Poco::Net::IPAddress::tryParse(host, literal)) return Poco::Net::SocketAddress(literal, port);

	Abandoned::instance().reap();
	auto lookup = std::make_unique<Lookup>(host);
	gaicb* requests[] = {&lookup->request};
	if (::getaddrinfo_a(GAI_NOWAIT, requests, 1, nullptr) != 0)
		throw Poco::Net::HostNotFoundException("cannot start resolving " + host);
	for (;;)
	{
		const int status = ::gai_error(&lookup->request);
		if (status == 0) return pick(host, lookup->request.ar_result, port);
		if (status != EAI_INPROGRESS)
			throw Poco::Net::HostNotFoundException("cannot resolve " + host + ": " + ::gai_strerror(status));
		const auto left = deadline - Clock::now();
		if (left <= Clock::duration::zero())
		{
			if (::gai_cancel(&lookup->request) == EAI_NOTCANCELED) Abandoned::instance().add(std::move(lookup));
			throw Poco::TimeoutException("resolving " + host + " did not finish before the call's deadline");
		}
		const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
		const timespec wait{static_cast<time_t>(seconds.count()),
			static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(left - seconds).count())};
		const gaicb* const waiting[] = {&lookup->request};
		::gai_suspend(waiting, 1, &wait); // woken by the answer, the time or a signal: look again
	}
}

}
} // namespace Falcon::OAuth2
