#pragma once

#include <string>

namespace Falcon {
namespace OAuth2 {

/// An application/x-www-form-urlencoded body, encoded the way FalconPy's `requests` encodes it
/// (`quote_plus`: space becomes '+', only `A-Za-z0-9_.-~` stay as they are), fields in the
/// order they are added.
class FormBody
{
public:
	FormBody& add(const std::string& name, const std::string& value);
	const std::string& str() const { return _encoded; }

	static std::string encode(const std::string& value);

private:
	std::string _encoded;
};

}
} // namespace Falcon::OAuth2
