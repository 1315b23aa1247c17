#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstddef>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// JSON text read into Poco's values, exactly as Poco::JSON::Parser with a key-order-preserving
/// ParseHandler reads it: an object or an array at the top, the same value types (numbers
/// through the same Poco::NumberParser calls), the last of repeated keys at the place of the
/// first, the same nesting limit, and the same refusals (malformed text, unescaped control
/// characters, invalid UTF-8, dangling surrogates, anything after the value), and one more: an
/// object of more than MAX_MEMBERS members. The text is read in place rather than one character
/// at a time through a stream: a server's reply, a shared store's entry and the C interface's
/// objects are read on every call.
class JsonReader
{
public:
	/// The deepest nesting accepted, as Poco's parser: deeper text is refused, never recursed into.
	static constexpr unsigned MAX_DEPTH = 128;
	/// The most members one object may have. An object that keeps its keys' order looks through
	/// them all for each new one, so reading n members costs n squared: a reply of a megabyte of
	/// short members would hold the caller for many seconds, past any deadline. No object of the
	/// API's, a store entry or a call's input comes near.
	static constexpr std::size_t MAX_MEMBERS = 1000;

	/// Throws Poco::JSON::JSONException, or Poco::SyntaxException for a number Poco cannot hold,
	/// naming what was wrong and at which byte (never quoting the text: it may hold a secret).
	static Poco::Dynamic::Var read(const std::string& text);
};

}
} // namespace Falcon::OAuth2
