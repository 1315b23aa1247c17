#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace Falcon {
namespace OAuth2 {

/// Knows every secret value a session has handled (client secret, Basic credentials, proxy
/// password, tokens) and replaces each of them with "***" in any text, in the spellings the
/// value takes on the wire (Plugin::secretSpellings: as is, form-encoded, percent-encoded and
/// JSON-escaped, the spellings a host's mask uses too). Everything
/// the client logs or puts in an error message passes through `redact` first.
class Redactor
{
public:
	static constexpr const char* MASK = "***";

	/// Remembers a value for the life of the session (client secret, Basic value, proxy password).
	void addSecret(const std::string& value);

	/// Remembers a token; only the most recent `TOKEN_MEMORY` tokens are kept, so that a
	/// long-running session does not grow without bound. Every mint and shared-store hit adds
	/// one, so this keeps the token alone: its spellings are worked out when text is redacted.
	void addToken(const std::string& value);

	std::string redact(const std::string& text) const;

	static constexpr std::size_t TOKEN_MEMORY = 256;

	/// A spelling shorter than this is masked only where it stands as a value (a URL's password,
	/// a form or header value, a JSON string, the whole text), never inside other words.
	static constexpr std::size_t SHORTEST_MASKED_ANYWHERE = 8;

private:
	void add(std::vector<std::string>& into, const std::string& value);

	mutable std::mutex _mutex;
	std::vector<std::string> _secrets;
	std::deque<std::string> _tokens; ///< oldest first; a deque's ends move without moving the rest
	std::unordered_set<std::string_view> _knownTokens; ///< views of `_tokens`, to add each once
};

}
} // namespace Falcon::OAuth2
