// The built-in bearer tokens, all in one place: the options that hold their hashes, the one check
// of an Authorization header, the gate RequireScimBearerToken() puts in front of the SCIM endpoints,
// the authentication scheme for hosts that want the tokens in ASP.NET Core's authentication, and the
// registrations. Security code in one file is easier to review.
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scim.AspNetCore;
using Scim.Core.Errors;
using Scim.Core.Provisioning;

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

        internal List<TokenEntry> Tokens => _tokens;

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
        /// <exception cref="ArgumentException">
        /// The hash is not 32 bytes, or the token is already accepted for another tenant or client: a
        /// token names the one tenant and client it provisions (adding the same one again is a no-op).
        /// </exception>
        public ScimBearerTokenOptions AddTokenHash(string tenant, string client, byte[] sha256)
        {
            ArgumentException.ThrowIfNullOrEmpty(tenant);
            ArgumentException.ThrowIfNullOrEmpty(client);
            ArgumentNullException.ThrowIfNull(sha256);
            if (sha256.Length != 32)
            {
                throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(sha256));
            }

            foreach (var held in _tokens)
            {
                if (held.Hash.AsSpan().SequenceEqual(sha256))
                {
                    if (held.Tenant == tenant && held.Client == client)
                    {
                        return this;
                    }

                    throw new ArgumentException(
                        $"The token of tenant '{tenant}' (client '{client}') is already the token of tenant '{held.Tenant}' (client '{held.Client}'). A token must name one tenant and client: give each its own.",
                        nameof(sha256));
                }
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

    /// <summary>
    /// Checks an <c>Authorization</c> header against the configured token hashes: shared by the
    /// authentication scheme and by <c>RequireScimBearerToken()</c>'s own check on the SCIM endpoints.
    /// </summary>
    internal static class ScimBearerTokenCheck
    {
        /// <summary>The challenge sent with every 401 of the built-in tokens.</summary>
        public const string Challenge = "Bearer realm=\"scim\"";

        /// <summary>The detail of every 401 of the built-in tokens.</summary>
        public const string Unauthenticated = "Authentication is required: send a valid bearer token.";

        // Tokens longer than this are hashed from a heap buffer (no real token is this long).
        private const int MaxStackBytes = 512;

        /// <summary>What a header proved.</summary>
        public enum Outcome
        {
            /// <summary>No bearer token was presented.</summary>
            None,

            /// <summary>The token is not one of the configured ones.</summary>
            Invalid,

            /// <summary>The token is valid, but for another tenant than the route's.</summary>
            OtherTenant,

            /// <summary>The token is valid here.</summary>
            Valid,
        }

        // The connection item under which the token last found valid on an HTTP/1.x connection is kept.
        private static readonly object RememberedKey = new();

        /// <summary>
        /// Checks the request's <c>Authorization</c> header. On HTTP/1.x, where a connection's
        /// requests come one after another, the token last found valid on the connection is kept
        /// with it: a request presenting the same header (compared in constant time, and only with
        /// what this connection itself presented before) is not hashed again.
        /// </summary>
        public static Outcome Check(HttpContext context, ScimBearerTokenOptions options, ScimHttpOptions http, out ScimBearerTokenOptions.TokenEntry? match)
        {
            var header = context.Request.Headers.Authorization.ToString();
            var routeTenant = ScimRequestContext.NamedTenant(context, http);
            var items = HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)
                ? context.Features.Get<IConnectionItemsFeature>()?.Items
                : null;
            if (items is not null && items.TryGetValue(RememberedKey, out var kept) && kept is RememberedToken remembered
                && ReferenceEquals(remembered.Options, options)
                && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(remembered.Header.AsSpan()), MemoryMarshal.AsBytes(header.AsSpan())))
            {
                match = remembered.Entry;
                return ForTenant(match, routeTenant);
            }

            var outcome = Check(options, header, routeTenant, out match);
            if (match is not null && items is not null)
            {
                items[RememberedKey] = new RememberedToken(options, header, match);
            }

            return outcome;
        }

        /// <summary>Finds the entry of the presented token; where the request names a tenant (its route, or the host's resolver), only a token of that tenant counts.</summary>
        public static Outcome Check(ScimBearerTokenOptions options, string? header, string? routeTenant, out ScimBearerTokenOptions.TokenEntry? match)
        {
            match = null;
            if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Outcome.None;
            }

            var token = header.AsSpan("Bearer ".Length).Trim();
            var byteCount = Encoding.UTF8.GetByteCount(token);
            var bytes = byteCount <= MaxStackBytes ? stackalloc byte[MaxStackBytes] : new byte[byteCount];
            Span<byte> presented = stackalloc byte[32];
            SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], presented);
            var tokens = options.Tokens;
            for (var i = 0; i < tokens.Count; i++)
            {
                // Compare with every entry, whatever matched before: the time taken says nothing about the tokens.
                var entry = tokens[i];
                if (CryptographicOperations.FixedTimeEquals(presented, entry.Hash) && match is null)
                {
                    match = entry;
                }
            }

            return match is null ? Outcome.Invalid : ForTenant(match, routeTenant);
        }

        private static Outcome ForTenant(ScimBearerTokenOptions.TokenEntry match, string? routeTenant) =>
            routeTenant is not null && !string.Equals(routeTenant, match.Tenant, StringComparison.Ordinal) ? Outcome.OtherTenant : Outcome.Valid;

        /// <summary>A header found valid on a connection, with the tokens it was checked against (a reload makes new options, and a new check).</summary>
        private sealed record RememberedToken(ScimBearerTokenOptions Options, string Header, ScimBearerTokenOptions.TokenEntry Entry);

        /// <summary>The authenticated client: its tenant, its name (also the identity's name).</summary>
        public static ClaimsPrincipal Principal(ScimBearerTokenOptions.TokenEntry entry, string authenticationType) =>
            new(new ClaimsIdentity(
                [new Claim(ScimClaimTypes.Tenant, entry.Tenant), new Claim(ScimClaimTypes.Client, entry.Client), new Claim(ClaimTypes.Name, entry.Client)],
                authenticationType));
    }

    /// <summary>
    /// What <c>RequireScimBearerToken()</c> puts in front of the SCIM endpoints: a client the
    /// authentication scheme already authenticated passes; any other request is checked against the
    /// tokens here, and the client becomes <c>HttpContext.User</c>. No authentication or
    /// authorization middleware is needed, so a host that uses the tokens only for SCIM pays for neither.
    /// </summary>
    internal sealed partial class ScimBearerTokenGate(IOptionsMonitor<ScimBearerTokenOptions> tokens, IOptions<ScimHttpOptions> http, ILogger<ScimBearerTokenGate> logger)
    {
        private int _warnedNoTokens;

        /// <summary>Whether the request carries a valid token for this route (and then its client is <c>HttpContext.User</c>).</summary>
        public bool Authenticate(HttpContext context)
        {
            const string scheme = ScimBearerTokenDefaults.AuthenticationScheme;

            // Read the feature, not HttpContext.User, which would make an empty principal to throw away.
            if (context.Features.Get<IHttpAuthenticationFeature>()?.User is { } user)
            {
                foreach (var identity in user.Identities)
                {
                    if (identity.IsAuthenticated && string.Equals(identity.AuthenticationType, scheme, StringComparison.Ordinal))
                    {
                        // If that ran before routing, it did not see the route's tenant; the endpoint refuses a mismatch.
                        return true;
                    }
                }
            }

            var options = tokens.Get(scheme);
            if (options.Tokens.Count == 0)
            {
                if (Interlocked.Exchange(ref _warnedNoTokens, 1) == 0)
                {
                    LogNoTokens(logger);
                }

                return false;
            }

            var outcome = ScimBearerTokenCheck.Check(context, options, http.Value, out var match);
            if (outcome == ScimBearerTokenCheck.Outcome.OtherTenant)
            {
                // A valid token at another tenant's URL: a misconfigured connection (or a probe), worth saying which.
                LogOtherTenant(logger, match!.Tenant, match.Client, ScimRequestContext.NamedTenant(context, http.Value));
            }

            if (outcome != ScimBearerTokenCheck.Outcome.Valid)
            {
                return false;
            }

            context.User = ScimBearerTokenCheck.Principal(match!, scheme);
            return true;
        }

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "A SCIM bearer token of tenant '{TokenTenant}' (client '{Client}') was presented for tenant '{RequestTenant}' and refused with 401: check the tenant in the identity provider's URL, or the tenant the token was added for (and a TenantResolver's answer)")]
        private static partial void LogOtherTenant(ILogger logger, string tokenTenant, string client, string? requestTenant);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The SCIM endpoints require a bearer token (RequireScimBearerToken) but no token is configured: add them with AddScimBearerTokens. Every request is refused with 401.")]
        private static partial void LogNoTokens(ILogger logger);
    }

    /// <summary>
    /// Authenticates <c>Authorization: Bearer</c> against the configured token hashes, as an ASP.NET
    /// Core authentication scheme. Its 401 and 403 on a SCIM endpoint carry the SCIM error body.
    /// </summary>
    internal sealed class ScimBearerTokenHandler(IOptionsMonitor<ScimBearerTokenOptions> options, IOptions<ScimHttpOptions> http, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<ScimBearerTokenOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            // Where the request names a tenant, a token of another tenant is not valid at all.
            var outcome = ScimBearerTokenCheck.Check(Context, Options, http.Value, out var match);
            return Task.FromResult(outcome switch
            {
                ScimBearerTokenCheck.Outcome.None => AuthenticateResult.NoResult(),
                ScimBearerTokenCheck.Outcome.Invalid => AuthenticateResult.Fail("The bearer token is not valid."),
                ScimBearerTokenCheck.Outcome.OtherTenant => AuthenticateResult.Fail("The bearer token is not valid for this tenant."),
                _ => AuthenticateResult.Success(new AuthenticationTicket(ScimBearerTokenCheck.Principal(match!, Scheme.Name), Scheme.Name)),
            });
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.Headers.WWWAuthenticate = ScimBearerTokenCheck.Challenge;
            return Respond(new ScimException(StatusCodes.Status401Unauthorized, null, ScimBearerTokenCheck.Unauthenticated));
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            Respond(new ScimException(StatusCodes.Status403Forbidden, null, "The authenticated client may not use this SCIM endpoint."));

        private Task Respond(ScimException error)
        {
            if (Context.GetEndpoint()?.Metadata.GetMetadata<ScimEndpointMetadata>() is not null)
            {
                return ScimResponses.WriteErrorAsync(Context, error);
            }

            Response.StatusCode = error.Status;
            return Task.CompletedTask;
        }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the built-in SCIM bearer tokens.</summary>
    public static class ScimBearerTokenAuthenticationExtensions
    {
        /// <summary>
        /// Adds the built-in tokens as an ASP.NET Core authentication scheme
        /// (<see cref="ScimBearerTokenDefaults.AuthenticationScheme"/>), for hosts whose other
        /// middleware or policies need the authenticated client. Protect the endpoints with
        /// <c>app.MapScim(...).RequireScimBearerToken()</c>. A host that needs the tokens only on the
        /// SCIM endpoints can register them on the SCIM builder instead (the other overload), which
        /// spares every request the authentication and authorization middleware.
        /// </summary>
        /// <param name="builder">The authentication builder (<c>services.AddAuthentication()</c>).</param>
        /// <param name="configure">Adds the tokens.</param>
        /// <returns>The authentication builder.</returns>
        public static AuthenticationBuilder AddScimBearerTokens(this AuthenticationBuilder builder, Action<ScimBearerTokenOptions> configure)
        {
            ArgumentNullException.ThrowIfNull(builder);
            ArgumentNullException.ThrowIfNull(configure);
            Advertise(builder.Services);
            return builder.AddScheme<ScimBearerTokenOptions, ScimBearerTokenHandler>(ScimBearerTokenDefaults.AuthenticationScheme, configure);
        }

        /// <summary>
        /// Adds the built-in tokens for the SCIM endpoints only: <c>app.MapScim(...).RequireScimBearerToken()</c>
        /// checks them itself, with no authentication scheme, and the authenticated client is
        /// <c>HttpContext.User</c> from the SCIM handler on (tenant, actor, change events). Tokens
        /// added here and through the authentication scheme overload are one set.
        /// </summary>
        /// <param name="builder">The builder <c>AddScim()</c> returned.</param>
        /// <param name="configure">Adds the tokens.</param>
        /// <returns>The builder.</returns>
        public static Scim.Core.ScimBuilder AddScimBearerTokens(this Scim.Core.ScimBuilder builder, Action<ScimBearerTokenOptions> configure)
        {
            ArgumentNullException.ThrowIfNull(builder);
            ArgumentNullException.ThrowIfNull(configure);
            Advertise(builder.Services);
            builder.Services.AddOptions<ScimBearerTokenOptions>(ScimBearerTokenDefaults.AuthenticationScheme).Configure(configure);
            return builder;
        }

        /// <summary>
        /// Describes the tokens in ServiceProviderConfig's <c>authenticationSchemes</c> (RFC 7643 §5
        /// makes it required), unless the host described its schemes itself.
        /// </summary>
        private static void Advertise(IServiceCollection services) =>
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ScimServiceOptions>, AdvertiseBearerTokens>());

        private sealed class AdvertiseBearerTokens : IPostConfigureOptions<ScimServiceOptions>
        {
            public void PostConfigure(string? name, ScimServiceOptions options)
            {
                if (options.AuthenticationSchemes.Count == 0)
                {
                    options.AuthenticationSchemes.Add(Scim.Core.Discovery.AuthenticationScheme.OAuthBearerToken());
                }
            }
        }
    }
}
