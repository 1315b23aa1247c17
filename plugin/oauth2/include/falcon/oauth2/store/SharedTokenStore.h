#pragma once

#include "falcon/oauth2/core/Deadline.h"

#include <Poco/Exception.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// What a shared store keeps for one API client: its token and what every process using the
/// client should know. Wall-clock times: the entry outlives the process that wrote it.
struct SharedEntry
{
	using WallClock = std::chrono::system_clock;

	std::string accessToken; ///< "" for an entry that only carries a cooldown
	WallClock::time_point expiresAt; ///< when the API stops accepting the token
	std::string baseUrl; ///< the cloud the credentials belong to (after autodiscovery)
	WallClock::time_point cooldownUntil; ///< a 429's retry-after: nobody asks before then
};

/// An entry a store cannot use (of the wrong kind, owner or mode, or too large): to the caller a
/// miss, which the next write replaces (or, where it cannot, the message says what to remove).
POCO_DECLARE_EXCEPTION(, UnusableEntryException, Poco::IOException)

/// Held while one process mints for everyone; released when it goes.
class StoreLock
{
public:
	virtual ~StoreLock() = default;
};

/// A token store shared by processes (and machines): one entry per API client, read and written
/// whole, and a lock per entry so that one process mints while the others wait. Every operation
/// throws on a store failure; SharedTokens turns that into the in-memory behaviour.
/// Entries are opaque bytes here: sealed before they are written (EntrySeal).
class SharedTokenStore
{
public:
	virtual ~SharedTokenStore() = default;

	/// The entry's bytes, or nothing when there is none.
	virtual std::optional<std::string> read(const std::string& name, Deadline deadline) = 0;
	/// Replaces the entry; the store may drop it after `expiresAt`.
	virtual void write(const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt,
		Deadline deadline) = 0;
	/// Removes the entry, if it still holds exactly `bytes` (another process may have replaced it).
	virtual void remove(const std::string& name, const std::string& bytes, Deadline deadline) = 0;
	/// Waits for the entry's lock until the call's deadline or its cancellation; null when it did
	/// not come. The lock lasts while its holder lives and holds it.
	virtual std::unique_ptr<StoreLock> lock(const std::string& name, const CallBounds& call) = 0;
	/// For messages: "file store /run/user/1000/falcon-oauth2".
	virtual std::string describe() const = 0;
	/// What a user should be told once about using this store (a password crossing a network in
	/// clear); empty when nothing.
	virtual std::string caution() const { return {}; }
};

}
} // namespace Falcon::OAuth2
