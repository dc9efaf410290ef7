using System.Security.Cryptography;
using Scim.AspNetCore;

namespace Scim.Sample.Activity;

/// <summary>
/// Who may watch the activity stream: the sample's own bearer tokens. The default token sees every
/// tenant; a tenant's token (Sample:Tenants:&lt;tenant&gt;) sees that tenant only.
/// </summary>
/// <remarks>
/// The library's token check is internal to Scim.AspNetCore; its only public door for endpoints
/// other than SCIM's is the authentication scheme, which would put authentication and
/// authorization middleware in front of every request of a sample that deliberately has none. So
/// this check is the sample's own, done the way the library does it: the presented token is
/// hashed with <see cref="ScimBearerTokenOptions.Hash"/> and compared with the hash of every
/// configured token in constant time (equal-length hashes, no early exit), so the time taken says
/// nothing about the tokens.
/// </remarks>
internal sealed class ActivityAccess
{
    private readonly (byte[] Hash, string? Tenant)[] _tokens;

    public ActivityAccess(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tokens =
        [
            (ScimBearerTokenOptions.Hash(options.Token), null),
            .. options.Tenants.Select(t => (ScimBearerTokenOptions.Hash(t.Value), (string?)t.Key)),
        ];
    }

    /// <summary>Whether an <c>Authorization</c> header carries one of the sample's tokens.</summary>
    /// <param name="header">The header's value.</param>
    /// <param name="tenant">The one tenant the token may watch, or <see langword="null"/> for all of them.</param>
    public bool TryAuthorize(string? header, out string? tenant)
    {
        tenant = null;
        const string Scheme = "Bearer ";
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = header[Scheme.Length..].Trim();
        if (token.Length == 0)
        {
            return false;
        }

        var presented = ScimBearerTokenOptions.Hash(token);
        var found = false;
        foreach (var (hash, scope) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, hash) && !found)
            {
                found = true;
                tenant = scope;
            }
        }

        return found;
    }
}
