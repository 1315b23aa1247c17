#pragma once

#include <deque>
#include <mutex>
#include <string>
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
	/// long-running session does not grow without bound.
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
	std::deque<std::vector<std::string>> _tokens; ///< each token's spellings, the token first
	std::unordered_set<std::string> _knownTokens; ///< the tokens of `_tokens`: a mint asks once per call
};

}
} // namespace Falcon::OAuth2
