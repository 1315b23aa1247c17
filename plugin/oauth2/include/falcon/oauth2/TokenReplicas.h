#pragma once

#include "falcon/oauth2/TokenSource.h"
#include "falcon/oauth2/core/PerCpu.h"

#include <Poco/JSON/Object.h>

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

	/// What a caller adds to a copy's output before it is shared (members of its own).
	using Labels = void (*)(Poco::JSON::Object& output);

	/// This CPU's copy, if one was placed.
	std::optional<Entry> find() const;
	/// The output of this CPU's copy: ApiResult::toJSON with the lifetime `lifetimeLeft(entry)`
	/// gives, then `labels`; null when there is no copy or `lifetimeLeft` gives nothing. Made
	/// once for each (lifetime, labels) and given to every later caller on this CPU until either
	/// changes, so a hit allocates nothing: nobody may change it.
	template <typename LifetimeLeft>
	Poco::JSON::Object::Ptr sharedOutput(const LifetimeLeft& lifetimeLeft, Labels labels) const;
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
		/// The entry's output as sharedOutput last made it, and for what.
		Poco::JSON::Object::Ptr output;
		std::chrono::seconds outputLifetime{0};
		Labels outputLabels = nullptr;
	};

	static Poco::JSON::Object::Ptr outputOf(const Entry& entry, std::chrono::seconds lifetime, Labels labels);

	PerCpu<Slot> _slots;
};

template <typename LifetimeLeft>
Poco::JSON::Object::Ptr TokenReplicas::sharedOutput(const LifetimeLeft& lifetimeLeft, Labels labels) const
{
	Slot& slot = _slots.mine();
	std::lock_guard<std::mutex> lock(slot.mutex);
	if (!slot.entry.token) return nullptr;
	const std::optional<std::chrono::seconds> lifetime = lifetimeLeft(slot.entry);
	if (!lifetime) return nullptr;
	if (!slot.output || slot.outputLifetime != *lifetime || slot.outputLabels != labels)
	{
		slot.output = outputOf(slot.entry, *lifetime, labels);
		slot.outputLifetime = *lifetime;
		slot.outputLabels = labels;
	}
	return slot.output;
}

}
} // namespace Falcon::OAuth2
