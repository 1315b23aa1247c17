#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

namespace Falcon {
namespace OAuth2 {

/// The tokens revoked in this process, by any session: every session's memory drops a token
/// revoked through another (a member CID's parent, another base URL, another connection).
/// Kept as digests, for longer than any token lives, and bounded in number.
class RevokedTokens
{
public:
	/// This process's list (a child of fork() starts one of its own).
	static RevokedTokens& process();

	void add(const std::string& accessToken);
	bool contains(const std::string& accessToken) const;

	/// Changes on every add to any list of this process (a child of fork() counts on from its
	/// parent's): a reader that saw the same generation need not look again. One atomic load,
	/// for the cached-token path to ask on every call.
	static unsigned long generation() { return changes.load(std::memory_order_acquire); }

	static constexpr std::size_t MAX_KEPT = 4096;
	static constexpr std::chrono::hours KEPT_FOR{1};

private:
	using Clock = std::chrono::steady_clock;

	static std::string digestOf(const std::string& accessToken);

	struct Revoked
	{
		std::string digest;
		Clock::time_point at;
	};

	mutable std::mutex _mutex;
	std::unordered_set<std::string> _digests;
	std::deque<Revoked> _oldestFirst; ///< the same digests in the order they came: the oldest go first
	static std::atomic<unsigned long> changes;
};

}
} // namespace Falcon::OAuth2
