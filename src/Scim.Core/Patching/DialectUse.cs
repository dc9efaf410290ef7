namespace Scim.Core.Patching;

/// <summary>
/// Which identity-provider dialects the request being read or applied on this thread needed: the
/// places that accept a non-RFC shape note it here, and the patcher collects the notes around its
/// synchronous read and apply, for the change event's audit (<c>ScimChangeEvent.Dialects</c>).
/// </summary>
internal static class DialectUse
{
    [ThreadStatic]
    private static PatchDialects t_used;

    /// <summary>Notes that a dialect was needed.</summary>
    public static void Note(PatchDialects dialect) => t_used |= dialect;

    /// <summary>Starts collecting (forgets earlier notes on this thread).</summary>
    public static void Begin() => t_used = PatchDialects.None;

    /// <summary>The dialects noted since <see cref="Begin"/>; collecting stops.</summary>
    public static PatchDialects End()
    {
        var used = t_used;
        t_used = PatchDialects.None;
        return used;
    }

    /// <summary>The names of the dialects in <paramref name="dialects"/>, in flag order.</summary>
    public static IReadOnlyList<string> Names(PatchDialects dialects)
    {
        if (dialects == PatchDialects.None)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var flag in Enum.GetValues<PatchDialects>())
        {
            if (flag != PatchDialects.None && flag != PatchDialects.All && (dialects & flag) == flag)
            {
                names.Add(flag.ToString());
            }
        }

        return names;
    }
}
