#include "falcon/oauth2/http/FormBody.h"

#include "falcon/plugin/SecretSpellings.h"

namespace Falcon {
namespace OAuth2 {

std::string FormBody::encode(const std::string& value)
{
	return Plugin::formEncoded(value);
}

FormBody& FormBody::add(const std::string& name, const std::string& value)
{
	if (!_encoded.empty()) _encoded += '&';
	_encoded += encode(name);
	_encoded += '=';
	_encoded += encode(value);
	return *this;
}

}
} // namespace Falcon::OAuth2
