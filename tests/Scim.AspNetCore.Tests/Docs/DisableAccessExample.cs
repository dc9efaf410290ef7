// The example of docs/events.md ("Disable access at once on deactivate"), compiled and run by
// DisableAccessExampleTests; the docs hold the text between the region markers, word for word.
using Microsoft.Extensions.Logging;
using Scim.Core.Events;

namespace Scim.AspNetCore.Tests.Docs;

#region example
/// <summary>The host's own sessions (cookies, refresh tokens, API keys): whatever lets a user in.</summary>
public interface ISessionStore
{
    /// <summary>Ends every session of a user; returns how many there were.</summary>
    Task<int> RevokeAllAsync(string tenant, string userId, CancellationToken cancellationToken);
}

/// <summary>Ends a user's sessions as soon as the identity provider deactivates or deletes them.</summary>
public sealed partial class RevokeSessionsOnDeactivation(ISessionStore sessions, ILogger<RevokeSessionsOnDeactivation> log)
    : IScimEventSubscriber
{
    public async Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        if (change.ResourceType != "User" || change.Kind is not (ScimChangeKind.Deactivated or ScimChangeKind.Deleted))
        {
            return;
        }

        // Revoking twice is harmless, so a repeated event (delivery is at least once) needs no check.
        var ended = await sessions.RevokeAllAsync(change.Tenant, change.ResourceId, cancellationToken);
        Revoked(log, ended, change.ResourceId, change.Tenant, change.Kind, change.Actor);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} sessions of user {UserId} in {Tenant} after {Kind} by {Actor}")]
    private static partial void Revoked(ILogger logger, int count, string userId, string tenant, ScimChangeKind kind, string? actor);
}
#endregion
