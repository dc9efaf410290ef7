using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scim.AspNetCore;

namespace Scim.AspNetCore
{
    /// <summary>Names of the built-in bearer-token scheme.</summary>
    public static class ScimBearerTokenDefaults
    {
        /// <summary>The authentication scheme name.</summary>
        public const string AuthenticationScheme = "ScimBearer";
    }

    /// <summary>
    /// The built-in bearer-token scheme's tokens: long-lived secrets, one or more per tenant (several
    /// active at once for rotation), as Entra ID and Okta are configured. Only SHA-256 hashes are
    /// kept; a presented token is hashed and compared in constant time.
    /// </summary>
    public sealed class ScimBearerTokenOptions : AuthenticationSchemeOptions
    {
        private readonly List<TokenEntry> _tokens = [];

        internal IReadOnlyList<TokenEntry> Tokens => _tokens;

        /// <summary>Accepts a token for a tenant.</summary>
        /// <param name="tenant">The tenant the token provisions.</param>
        /// <param name="client">A name for the client holding it (recorded as the actor, e.g. "entra-prod").</param>
        /// <param name="token">The secret; use a long random one (32 bytes of randomness, base64url-encoded, is a good choice).</param>
        /// <returns>These options.</returns>
        /// <exception cref="ArgumentException">The token is empty.</exception>
        public ScimBearerTokenOptions AddToken(string tenant, string client, string token)
        {
            ArgumentException.ThrowIfNullOrEmpty(tenant);
            ArgumentException.ThrowIfNullOrEmpty(client);
            ArgumentException.ThrowIfNullOrWhiteSpace(token);
            return AddTokenHash(tenant, client, Hash(token));
        }

        /// <summary>Accepts a token known only by its SHA-256 hash (so the secret need not be in configuration).</summary>
        /// <param name="tenant">The tenant.</param>
        /// <param name="client">The client name.</param>
        /// <param name="sha256">The SHA-256 of the token's UTF-8 bytes (32 bytes).</param>
        /// <returns>These options.</returns>
        public ScimBearerTokenOptions AddTokenHash(string tenant, string client, byte[] sha256)
        {
            ArgumentException.ThrowIfNullOrEmpty(tenant);
            ArgumentException.ThrowIfNullOrEmpty(client);
            ArgumentNullException.ThrowIfNull(sha256);
            if (sha256.Length != 32)
            {
                throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(sha256));
            }

            _tokens.Add(new TokenEntry(tenant, client, sha256.ToArray()));
            return this;
        }

        /// <summary>The SHA-256 hash of a token, as <see cref="AddTokenHash"/> expects it.</summary>
        /// <param name="token">The token.</param>
        /// <returns>The hash.</returns>
        public static byte[] Hash(string token)
        {
            ArgumentNullException.ThrowIfNull(token);
            return SHA256.HashData(Encoding.UTF8.GetBytes(token));
        }

        internal sealed record TokenEntry(string Tenant, string Client, byte[] Hash);
    }

    /// <summary>Authenticates <c>Authorization: Bearer</c> against the configured token hashes.</summary>
    internal sealed class ScimBearerTokenHandler(IOptionsMonitor<ScimBearerTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<ScimBearerTokenOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var presented = ScimBearerTokenOptions.Hash(header["Bearer ".Length..].Trim());
            ScimBearerTokenOptions.TokenEntry? match = null;
            foreach (var entry in Options.Tokens)
            {
                // Compare with every entry, whatever matched before: the time taken says nothing about the tokens.
                if (CryptographicOperations.FixedTimeEquals(presented, entry.Hash) && match is null)
                {
                    match = entry;
                }
            }

            if (match is null)
            {
                return Task.FromResult(AuthenticateResult.Fail("The bearer token is not valid."));
            }

            // On a tenant route, a token of another tenant is not valid at all.
            if (Context.GetRouteValue("tenant") is string routeTenant && !string.Equals(routeTenant, match.Tenant, StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.Fail("The bearer token is not valid for this tenant."));
            }

            var identity = new ClaimsIdentity(
                [new Claim(ScimClaimTypes.Tenant, match.Tenant), new Claim(ScimClaimTypes.Client, match.Client), new Claim(ClaimTypes.Name, match.Client)],
                Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
            return Task.CompletedTask;
        }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the built-in SCIM bearer-token scheme.</summary>
    public static class ScimBearerTokenAuthenticationExtensions
    {
        /// <summary>
        /// Adds the built-in bearer-token scheme (<see cref="ScimBearerTokenDefaults.AuthenticationScheme"/>).
        /// Protect the endpoints with <c>app.MapScim(...).RequireScimBearerToken()</c>.
        /// </summary>
        /// <param name="builder">The authentication builder (<c>services.AddAuthentication()</c>).</param>
        /// <param name="configure">Adds the tokens.</param>
        /// <returns>The authentication builder.</returns>
        public static AuthenticationBuilder AddScimBearerTokens(this AuthenticationBuilder builder, Action<ScimBearerTokenOptions> configure)
        {
            ArgumentNullException.ThrowIfNull(builder);
            ArgumentNullException.ThrowIfNull(configure);
            return builder.AddScheme<ScimBearerTokenOptions, ScimBearerTokenHandler>(ScimBearerTokenDefaults.AuthenticationScheme, configure);
        }
    }
}
