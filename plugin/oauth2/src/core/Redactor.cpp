#include "falcon/oauth2/core/Redactor.h"

#include "falcon/plugin/SecretSpellings.h"

#include <algorithm>
#include <cctype>

namespace Falcon {
namespace OAuth2 {

namespace {

void replaceAll(std::string& text, const std::string& needle)
{
	std::string::size_type pos = 0;
	while ((pos = text.find(needle, pos)) != std::string::npos)
	{
		text.replace(pos, needle.size(), Redactor::MASK);
		pos += std::char_traits<char>::length(Redactor::MASK);
	}
}

/// A short secret masked wherever it stands alone would mask parts of other words ("p" in
/// "https"), and the masks' places would spell it out: only where it is a value is it masked.
/// Its places: a URL's password (":p@"), a form or header value ("=p" up to '&', ';', a space,
/// a quote or the end), a JSON string ("\"p\""), or the whole text.
void replaceWhereAValue(std::string& text, const std::string& needle)
{
	if (text == needle)
	{
		text = Redactor::MASK;
		return;
	}
	for (std::string::size_type pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
	{
		const char before = pos > 0 ? text[pos - 1] : '\0';
		const std::string::size_type end = pos + needle.size();
		const char after = end < text.size() ? text[end] : '\0';
		const bool password = before == ':' && after == '@';
		const bool value = before == '='
			&& (after == '\0' || after == '&' || after == ';' || after == '"'
				|| std::isspace(static_cast<unsigned char>(after)));
		const bool quoted = before == '"' && after == '"';
		if (!password && !value && !quoted) continue;
		text.replace(pos, needle.size(), Redactor::MASK);
		pos += std::char_traits<char>::length(Redactor::MASK) - 1;
	}
}

} // namespace

void Redactor::add(std::vector<std::string>& into, const std::string& value)
{
	for (auto& spelling : Plugin::secretSpellings(value))
	{
		if (std::find(into.begin(), into.end(), spelling) == into.end()) into.push_back(std::move(spelling));
	}
}

void Redactor::addSecret(const std::string& value)
{
	if (value.empty()) return;
	std::lock_guard<std::mutex> lock(_mutex);
	add(_secrets, value);
}

void Redactor::addToken(const std::string& value)
{
	if (value.empty()) return;
	std::lock_guard<std::mutex> lock(_mutex);
	if (!_tokens.empty() && _tokens.back() == value) return; // the session's current token again
	if (_knownTokens.count(value)) return;
	_tokens.push_back(value);
	_knownTokens.insert(_tokens.back());
	if (_tokens.size() > TOKEN_MEMORY)
	{
		_knownTokens.erase(_tokens.front());
		_tokens.pop_front();
	}
}

std::string Redactor::redact(const std::string& text) const
{
	std::vector<std::string> needles;
	std::vector<std::string> tokens;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		needles = _secrets;
		tokens.assign(_tokens.begin(), _tokens.end());
	}
	for (const auto& token : tokens)
	{
		for (auto& spelling : Plugin::secretSpellings(token)) needles.push_back(std::move(spelling));
	}
	// Longest first, so a secret that contains another is masked whole.
	std::sort(
		needles.begin(), needles.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
	std::string result = text;
	for (const auto& needle : needles)
	{
		if (needle.size() >= SHORTEST_MASKED_ANYWHERE) replaceAll(result, needle);
		else replaceWhereAValue(result, needle);
	}
	return result;
}

}
} // namespace Falcon::OAuth2
