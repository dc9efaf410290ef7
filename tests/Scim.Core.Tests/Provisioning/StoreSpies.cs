using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// A group store that forwards to the in-memory one and records what the service asked of it: the
/// reads that load members (<see cref="ReadHints.IncludesMembers"/>) and the membership lookups.
/// </summary>
internal sealed class SpyGroupStore(InMemoryGroupStore inner) : IGroupStore, ICursorPagingStore, IGroupNestingStore
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyCollection<string>> _memberLookups = [];
    private int _memberReads;

    public InMemoryGroupStore Inner { get; } = inner;

    /// <summary>
    /// Reorders each answer to a membership lookup before the service sees it (a store over SQL
    /// without an <c>ORDER BY</c> answers in any order); <see langword="null"/> leaves it as it is.
    /// </summary>
    public Func<IReadOnlyList<MemberGroup>, IEnumerable<MemberGroup>>? Reorder { get; set; }

    /// <summary>Gets and queries whose hints asked for members.</summary>
    public int MemberReads
    {
        get
        {
            lock (_lock)
            {
                return _memberReads;
            }
        }
    }

    /// <summary>The ids of every <see cref="GetGroupsOfMembersAsync"/> call, in order.</summary>
    public IReadOnlyList<IReadOnlyCollection<string>> MemberLookups
    {
        get
        {
            lock (_lock)
            {
                return [.. _memberLookups];
            }
        }
    }

    public TimeSpan? CursorTimeout => Inner.CursorTimeout;

    public void Reset()
    {
        lock (_lock)
        {
            _memberReads = 0;
            _memberLookups.Clear();
        }
    }

    public Task<Group?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        CountRead(hints);
        return Inner.GetAsync(context, id, hints, cancellationToken);
    }

    public Task<ScimPage<Group>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        CountRead(query.Hints);
        return Inner.QueryAsync(context, query, cancellationToken);
    }

    public Task<StoreWriteResult<Group>> CreateAsync(ScimContext context, Group resource, CancellationToken cancellationToken) =>
        Inner.CreateAsync(context, resource, cancellationToken);

    public Task<StoreWriteResult<Group>> ReplaceAsync(ScimContext context, Group resource, string? expectedVersion, CancellationToken cancellationToken) =>
        Inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

    public Task<StoreWriteResult<Group>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) =>
        Inner.DeleteAsync(context, id, expectedVersion, cancellationToken);

    public Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken) =>
        Inner.PatchAsync(context, patch, cancellationToken);

    public Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _memberLookups.Add([.. memberIds]);
        }

        return Reorder is { } reorder ? ReorderedAsync(reorder) : Inner.GetGroupsOfMembersAsync(context, memberIds, cancellationToken);

        async Task<IReadOnlyList<MemberGroup>> ReorderedAsync(Func<IReadOnlyList<MemberGroup>, IEnumerable<MemberGroup>> reorder) =>
            [.. reorder(await Inner.GetGroupsOfMembersAsync(context, memberIds, cancellationToken))];
    }

    public Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken) =>
        Inner.MemberDeletedAsync(context, memberId, formerGroupIds, newVersion, lastModified, cancellationToken);

    public ValueTask<bool> MayHaveNestedGroupsAsync(ScimContext context, CancellationToken cancellationToken) =>
        Inner.MayHaveNestedGroupsAsync(context, cancellationToken);

    private void CountRead(ReadHints hints)
    {
        if (hints.IncludesMembers)
        {
            lock (_lock)
            {
                _memberReads++;
            }
        }
    }
}

/// <summary>A user store that forwards every call to another; tests override the calls they watch or break.</summary>
internal class DelegatingUserStore(IUserStore inner) : IUserStore
{
    public virtual Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => inner.GetAsync(context, id, hints, cancellationToken);

    public virtual Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => inner.QueryAsync(context, query, cancellationToken);

    public virtual Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => inner.CreateAsync(context, resource, cancellationToken);

    public virtual Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

    public virtual Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => inner.DeleteAsync(context, id, expectedVersion, cancellationToken);
}
