#pragma once

#include "falcon/oauth2/TokenSource.h"
#include "falcon/oauth2/core/PerCpu.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

namespace Falcon {
namespace OAuth2 {

/// Copies of a session's fresh token, one per CPU, each with its own lock and reference counts:
/// a cached hit writes only to lines that the callers on its own CPU write too. With one lock
/// and one shared result for all, two cores served fewer hits together than one alone.
///
/// It holds nothing of its own: TokenCache places a copy and clears them all, under its lock,
/// whenever its token changes.
class TokenReplicas
{
public:
	using Clock = std::chrono::steady_clock;

	struct Entry
	{
		std::shared_ptr<const TokenResult> token; ///< a copy that shares nothing with any other
		Clock::time_point issuedAt;
		std::chrono::seconds expiresIn{0};
	};

	/// This CPU's copy, if one was placed.
	std::optional<Entry> find() const;
	/// Places `entry` as this CPU's copy.
	void place(Entry entry);
	/// Forgets every copy.
	void clear();

	/// `result` with its parsed reply copied too, so that it shares no object and no reference
	/// count with `result`.
	static std::shared_ptr<const TokenResult> unshared(const TokenResult& result);

private:
	struct Slot
	{
		std::mutex mutex;
		Entry entry;
	};

	PerCpu<Slot> _slots;
};

}
} // namespace Falcon::OAuth2
