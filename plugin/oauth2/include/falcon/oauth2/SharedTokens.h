#pragma once

#include "falcon/oauth2/ApiResult.h"
#include "falcon/oauth2/EntrySeal.h"
#include "falcon/oauth2/Redactor.h"
#include "falcon/oauth2/SharedTokenStore.h"

#include <Poco/Logger.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// A session's use of a shared token store: its API client's sealed entry, read, locked, written
/// and removed within the call's deadline. A store that fails (missing, unsafe, full, slow) never
/// fails the call: from its first failure on, the call goes on as if there were no store, and
/// one warning says why (the store's own words; no token or secret is ever in them).
class SharedTokens
{
public:
	SharedTokens(std::unique_ptr<SharedTokenStore> store, const EntrySeal& seal, std::chrono::milliseconds lockWait, Poco::Logger& logger,
		const Redactor& redactor);

	/// One call's use of the store.
	class Use
	{
	public:
		Use(const SharedTokens& tokens, Deadline deadline):
			_tokens(tokens), _deadline(deadline) {}

		/// The client's entry, opened; nothing when there is none, it does not open, or the store failed.
		std::optional<SharedEntry> read();
		/// The entry's lock, waited for until `lockWait` has passed or the deadline is near; null
		/// when it did not come (the caller then mints without it).
		std::unique_ptr<StoreLock> lock();
		void write(const SharedEntry& entry);
		/// Removes the entry if it holds `accessToken` (after a revoke of that token).
		void forget(const std::string& accessToken);

	private:
		/// Runs `operation` unless the store failed already in this call; false when it fails now.
		bool attempt(const std::string& what, const std::function<void()>& operation);

		const SharedTokens& _tokens;
		Deadline _deadline;
		bool _failed = false;
	};

	/// A token result made from a fresh entry, as the token route would have answered (201, the
	/// token and what is left of its life), marked as served from the cache.
	static ApiResult resultOf(const SharedEntry& entry, std::chrono::seconds remaining);

private:
	std::unique_ptr<SharedTokenStore> _store;
	const EntrySeal& _seal;
	std::chrono::milliseconds _lockWait;
	Poco::Logger& _logger;
	const Redactor& _redactor;
};

}} // namespace Falcon::OAuth2
