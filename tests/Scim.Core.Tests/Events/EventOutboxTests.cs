using Scim.Core.Events;

namespace Scim.Core.Tests.Events;

/// <summary>What <see cref="IScimEventOutbox"/> gives an outbox that implements only its required members.</summary>
public sealed class EventOutboxTests
{
    [Fact]
    public async Task DeliveredAsync_OfABatch_ByDefault_MarksEachInTurn()
    {
        var outbox = new MarkingOutbox();

        await ((IScimEventOutbox)outbox).DeliveredAsync([7L, 3L, 9L], TestContext.Current.CancellationToken);

        Assert.Equal([7L, 3L, 9L], outbox.Marked);
        await Assert.ThrowsAsync<ArgumentNullException>(() => ((IScimEventOutbox)outbox).DeliveredAsync(null!, CancellationToken.None));
    }

    private sealed class MarkingOutbox : IScimEventOutbox
    {
        public List<long> Marked { get; } = [];

        public Task<IReadOnlyList<ScimOutboxEvent>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ScimOutboxEvent>>([]);

        public Task DeliveredAsync(long sequence, CancellationToken cancellationToken)
        {
            Marked.Add(sequence);
            return Task.CompletedTask;
        }

        public Task FailedAsync(long sequence, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ReleaseAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
