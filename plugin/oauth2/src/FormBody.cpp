#include "falcon/oauth2/FormBody.h"

#include <Poco/Ascii.h>

namespace Falcon {
namespace OAuth2 {

std::string FormBody::encode(const std::string& value)
{
	static const char HEX[] = "0123456789ABCDEF";
	std::string encoded;
	encoded.reserve(value.size());
	for (unsigned char c : value)
	{
		if (Poco::Ascii::isAlphaNumeric(c) || c == '_' || c == '.' || c == '-' || c == '~')
		{
			encoded += static_cast<char>(c);
		}
		else if (c == ' ')
		{
			encoded += '+';
		}
		else
		{
			encoded += '%';
			encoded += HEX[c >> 4];
			encoded += HEX[c & 0x0F];
		}
	}
	return encoded;
}

FormBody& FormBody::add(const std::string& name, const std::string& value)
{
	if (!_encoded.empty()) _encoded += '&';
	_encoded += encode(name);
	_encoded += '=';
	_encoded += encode(value);
	return *this;
}

} } // namespace Falcon::OAuth2
