using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// For a user map that deletes softly: checks, in a group write's transaction, that the users it
/// adds as members are still served. A delete that removes a row fires the membership's foreign
/// key on a member added meanwhile; marking the row deleted does not, so without this check a
/// group could keep a member deleted between the service's check of its members and the write.
/// On PostgreSQL the users are read <c>FOR SHARE</c>: a delete in progress (which holds the row
/// <c>FOR NO KEY UPDATE</c>) is waited for and its mark seen, and a delete that comes later waits
/// for this write and then removes its membership rows. SQLite's writers take turns. A user no
/// longer served makes the write run again, and the service check the members again.
/// </summary>
internal sealed class ServedUsers<TContext>(Func<DbContext, string, IReadOnlyCollection<string>, CancellationToken, Task<bool>> allServed)
    where TContext : DbContext
{
    /// <summary>Throws <see cref="MemberDeletedMeanwhileException"/> unless every one of <paramref name="ids"/> is a served user of the tenant.</summary>
    public async Task CheckAsync(DbContext db, string tenant, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count > 0 && !await allServed(db, tenant, ids, cancellationToken).ConfigureAwait(false))
        {
            throw new MemberDeletedMeanwhileException();
        }
    }

    /// <summary>Whether every one of <paramref name="ids"/> is a served user of the tenant, read as <see cref="CheckAsync"/> reads them.</summary>
    public Task<bool> AllServedAsync(DbContext db, string tenant, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        allServed(db, tenant, ids, cancellationToken);

    /// <summary>The check for a user map.</summary>
    public static ServedUsers<TContext> Of<TUser>(EntityShape<TUser> shape)
        where TUser : class
    {
        var locked = shape.TenantExpression is { } tenant ? LockedRead.Shared(typeof(TUser), shape.KeyExpression, tenant) : LockedRead.Shared(typeof(TUser), shape.KeyExpression);
        return new ServedUsers<TContext>(async (db, tenantName, ids, cancellationToken) =>
        {
            var keys = ids.Select(shape.KeyOf).OfType<object>().Distinct().ToList();
            if (keys.Count < ids.Count)
            {
                return false; // an id that names no row
            }

            // In chunks, as every key list the stores send (SQLite takes at most 32,766 parameters).
            foreach (var chunk in keys.Chunk(SqlLists.Chunk))
            {
                IQueryable<TUser> rows = db.Set<TUser>();
                if (locked.Sql(db) is { } sql)
                {
                    var array = Array.CreateInstance(shape.KeyType, chunk.Length);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        array.SetValue(chunk[i], i);
                    }

                    rows = db.Set<TUser>().FromSqlRaw(sql, shape.TenantExpression is null ? [array] : [array, shape.TenantValue(tenantName)]);
                }

                var served = shape.Served(tenantName) is { } scope ? rows.Where(scope) : rows;
                if (await served.Where(shape.KeyIn(chunk)).CountAsync(cancellationToken).ConfigureAwait(false) < chunk.Length)
                {
                    return false;
                }
            }

            return true;
        });
    }
}
