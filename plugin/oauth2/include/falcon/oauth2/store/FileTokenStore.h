#pragma once

#include "falcon/oauth2/core/Throttle.h"
#include "falcon/oauth2/store/SharedTokenStore.h"

#include <atomic>
#include <chrono>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// The embedded store for one machine: one file per entry in a private directory, a lock file
/// per entry held with flock(2). An entry's modification time is its expiry: past it, it is not
/// read (and the next write replaces it). The directory must be the user's own and closed to group and
/// others (it is created 0700 when missing); entries are written 0600 to a temporary file and
/// renamed over whatever is in their place, and nothing is opened through a symbolic link.
/// Writes sweep (the first, then at most one every SWEEP_INTERVAL: a mint writes an entry and a
/// token's record, one sweep serves both): expired entries, idle locks and abandoned temporary
/// files go, a bounded
/// number per write. Any failure throws Poco::IOException with a message that holds no secret;
/// an entry that cannot be used throws UnusableEntryException.
class FileTokenStore: public SharedTokenStore
{
public:
	/// `directory` empty: the default one (see defaultDirectory).
	explicit FileTokenStore(std::string directory);

	/// $XDG_RUNTIME_DIR/falcon-oauth2, else $XDG_CACHE_HOME/falcon-oauth2, else
	/// ~/.cache/falcon-oauth2 (a relative XDG variable is ignored, as the specification says).
	static std::string defaultDirectory();

	std::optional<std::string> read(const std::string& name, Deadline deadline) override;
	void write(const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt,
		Deadline deadline) override;
	void remove(const std::string& name, const std::string& bytes, Deadline deadline) override;
	std::unique_ptr<StoreLock> lock(const std::string& name, const CallBounds& call) override;
	std::string describe() const override { return "file store " + _directory; }

	/// How often a waiter tries the lock again.
	static constexpr std::chrono::milliseconds LOCK_POLL{5};
	/// A sweep looks at this many directory entries at most, and removes this many at most.
	static constexpr unsigned SWEEP_LOOKS = 4096;
	static constexpr unsigned SWEEP_REMOVALS = 64;
	static constexpr std::chrono::seconds SWEEP_INTERVAL{10};
	/// A lock file or temporary file untouched this long, with no entry, is idle.
	static constexpr std::chrono::seconds IDLE_AFTER{60};

private:
	class Lock;

	std::unique_ptr<Lock> openLock(const std::string& path) const;
	void sweep();
	/// Creates the directory when missing, then refuses one that is not a private directory of
	/// this user.
	void checkDirectory() const;
	/// Refuses a relative path, and a symbolic link above the directory that root did not make
	/// (once per store: the directories above rarely change).
	void checkPath() const;
	/// Creates `path` 0700, and its missing parents up to `depth` levels up, never inside a
	/// directory of another user (root's are fine: /run/user, /tmp).
	void makeDirectory(const std::string& path, int depth) const;
	std::string pathOf(const std::string& name, const std::string& suffix) const;

	std::string _directory;
	mutable std::atomic<bool> _pathChecked{false};
	Throttle _sweeps{SWEEP_INTERVAL};
};

}
} // namespace Falcon::OAuth2
