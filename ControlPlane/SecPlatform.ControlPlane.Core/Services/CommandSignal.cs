namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Wakes long-polling PullCommands calls when work appears, one waiter per new command rather than all of them.
/// Waiters register by tenant (platform agents under every tenant); <see cref="Wake"/> hands one command's wake-up to
/// one waiter that can take it (tenant, target agent, selector labels and capabilities: the claim's own conditions,
/// minus time and status). A woken waiter settles the wake after its next look (<see cref="Waiter.Settle"/>): it
/// claimed the command, or proved it gone, or passes the wake on to another waiter, so a wake-up is never lost to a
/// waiter that could not use it. In-process; on PostgreSQL a LISTEN/NOTIFY listener wakes this replica's waiters for
/// commands enqueued on other replicas.
/// </summary>
public sealed class CommandSignal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedList<Waiter>> _byTenant = new(StringComparer.Ordinal);
    private readonly LinkedList<Waiter> _platform = new();
    private long _deliveries;

    /// <summary>Wake-ups handed to waiters since start (a waiter woken twice counts twice): tests and diagnostics.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Waiters registered now.</summary>
    public int WaiterCount
    {
        get
        {
            lock (_gate)
            {
                return _platform.Count + _byTenant.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>
    /// Registers a long poll before its first look, so a command committed after that look started still reaches it.
    /// <paramref name="tenantId"/> null is a platform agent (it serves every tenant). Dispose when the poll ends.
    /// </summary>
    public Waiter Register(string? tenantId, string agentId, IReadOnlyDictionary<string, string> labels, IReadOnlyCollection<string> capabilities)
    {
        var waiter = new Waiter(this, tenantId, agentId, labels, capabilities);
        lock (_gate)
        {
            var list = tenantId is null ? _platform : ListOf(tenantId);
            waiter.Node = list.AddLast(waiter);
        }

        return waiter;
    }

    /// <summary>
    /// One command of <paramref name="tenantId"/> became claimable: wake one waiter that can take it. Without a
    /// <paramref name="hint"/> (a notification that says only the tenant) any waiter of the tenant is woken, and the
    /// wake passes from waiter to waiter until one claims something or every waiter has looked.
    /// </summary>
    public void Wake(string tenantId, WakeHint? hint = null) => Deliver(new Wakeup(tenantId, hint), except: null);

    /// <summary>Work of unknown tenants may have appeared (requeued claims, notifications lost while disconnected): every waiter looks once.</summary>
    public void WakeAll()
    {
        lock (_gate)
        {
            foreach (var waiter in _platform.Concat(_byTenant.Values.SelectMany(l => l)))
            {
                waiter.Hand(Wakeup.Poke);
                _deliveries++;
            }
        }
    }

    private LinkedList<Waiter> ListOf(string tenantId)
    {
        if (!_byTenant.TryGetValue(tenantId, out var list))
        {
            list = new LinkedList<Waiter>();
            _byTenant[tenantId] = list;
        }

        return list;
    }

    private void Deliver(Wakeup wake, Waiter? except)
    {
        lock (_gate)
        {
            if (except is not null)
            {
                (wake.Tried ??= []).Add(except);
            }

            // The longest-waiting idle waiter first (the tenant's own before platform agents); then, if every
            // candidate is busy looking, one of those: its current look may have started before the command was committed.
            var own = _byTenant.GetValueOrDefault(wake.TenantId);
            var chosen = Pick(own, wake, idleOnly: true) ?? Pick(_platform, wake, idleOnly: true)
                ?? Pick(own, wake, idleOnly: false) ?? Pick(_platform, wake, idleOnly: false);
            if (chosen is not null)
            {
                chosen.Hand(wake);
                _deliveries++;
            }

            // No one can take it now: a poll that registers later looks before it waits, and the command is there.
        }
    }

    private static Waiter? Pick(LinkedList<Waiter>? list, Wakeup wake, bool idleOnly)
    {
        if (list is null)
        {
            return null;
        }

        foreach (var waiter in list)
        {
            if ((!idleOnly || waiter.Idle) && wake.Tried?.Contains(waiter) != true && (wake.Hint?.Admits(waiter) ?? true))
            {
                return waiter;
            }
        }

        return null;
    }

    private void Remove(Waiter waiter, List<Wakeup> unsettled)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is { } list)
            {
                list.Remove(waiter.Node);
                if (list.Count == 0 && waiter.TenantId is { } tenant)
                {
                    _byTenant.Remove(tenant);
                }
            }

            waiter.Node = null;
        }

        foreach (var wake in unsettled)
        {
            Deliver(wake, except: waiter);
        }
    }

    internal sealed class Wakeup(string tenantId, WakeHint? hint)
    {
        /// <summary>Look once, pass nothing on.</summary>
        public static readonly Wakeup Poke = new("", null);

        public string TenantId { get; } = tenantId;
        public WakeHint? Hint { get; } = hint;

        /// <summary>Waiters that had this wake and could not use it.</summary>
        public HashSet<Waiter>? Tried { get; set; }
    }

    /// <summary>One long poll's place in the registry. Not thread-safe: one poll drives it.</summary>
    public sealed class Waiter : IDisposable
    {
        private readonly CommandSignal _signal;
        private List<Wakeup> _pending = [];
        private List<Wakeup> _looking = [];
        private TaskCompletionSource? _armed;

        internal Waiter(CommandSignal signal, string? tenantId, string agentId, IReadOnlyDictionary<string, string> labels,
            IReadOnlyCollection<string> capabilities)
        {
            _signal = signal;
            TenantId = tenantId;
            AgentId = agentId;
            Labels = labels;
            Capabilities = capabilities as IReadOnlySet<string> ?? capabilities.ToHashSet(StringComparer.Ordinal);
        }

        public string? TenantId { get; }
        public string AgentId { get; }
        public IReadOnlyDictionary<string, string> Labels { get; }
        public IReadOnlySet<string> Capabilities { get; }
        internal LinkedListNode<Waiter>? Node { get; set; }

        /// <summary>A wake was handed to this waiter and no look has taken it yet.</summary>
        public bool HasWake
        {
            get
            {
                lock (_signal._gate)
                {
                    return _pending.Count > 0;
                }
            }
        }

        // Guarded by the signal's gate.
        internal bool Idle => _armed is not null && _pending.Count == 0;

        /// <summary>Call before each look: the wakes handed so far are settled by this look.</summary>
        public void BeginLook()
        {
            lock (_signal._gate)
            {
                (_looking, _pending) = (_pending, _looking);
                _pending.Clear();
            }
        }

        /// <summary>
        /// Settles the wakes taken at <see cref="BeginLook"/> with what the look claimed. A hinted wake was handed only
        /// to a waiter that can take its command, so a look that claimed nothing proves the command gone (claimed,
        /// canceled, expired); one that claimed other commands passes it on. A tenant-only wake passes on until a waiter claims something.
        /// </summary>
        public void Settle(IReadOnlyList<Domain.Command> claimed)
        {
            List<Wakeup> passOn = [];
            lock (_signal._gate)
            {
                foreach (var wake in _looking)
                {
                    if (ReferenceEquals(wake, Wakeup.Poke))
                    {
                        continue;
                    }

                    var used = wake.Hint is { } hint
                        ? claimed.Count == 0 || claimed.Any(c => c.Id == hint.CommandId)
                        : claimed.Count > 0;
                    if (!used)
                    {
                        passOn.Add(wake);
                    }
                }

                _looking.Clear();
            }

            foreach (var wake in passOn)
            {
                _signal.Deliver(wake, except: this);
            }
        }

        /// <summary>Waits until a wake is handed to this waiter (at once if one came during the last look) or the time is up.</summary>
        public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            Task woken;
            lock (_signal._gate)
            {
                if (_pending.Count > 0)
                {
                    return;
                }

                _armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                woken = _armed.Task;
            }

            // The delay is cancelled when the wake-up wins: otherwise every wake-up leaves a timer running out the wait.
            using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(woken, Task.Delay(timeout, delayCancel.Token));
            await delayCancel.CancelAsync();
            lock (_signal._gate)
            {
                _armed = null;
            }
        }

        // Under the signal's gate.
        internal void Hand(Wakeup wake)
        {
            _pending.Add(wake);
            _armed?.TrySetResult();
        }

        /// <summary>Leaves the registry; wakes it held but did not settle (a cancelled or failed poll) go to another waiter.</summary>
        public void Dispose()
        {
            List<Wakeup> unsettled;
            lock (_signal._gate)
            {
                unsettled = [.. _pending.Concat(_looking).Where(w => !ReferenceEquals(w, Wakeup.Poke))];
                _pending.Clear();
                _looking.Clear();
            }

            _signal.Remove(this, unsettled);
        }
    }
}

/// <summary>What a waiter must be to take the woken command: the claim's agent conditions (docs/claim-sql.md).</summary>
public sealed record WakeHint(string CommandId, string? TargetAgentId, IReadOnlyDictionary<string, string> Labels, IReadOnlyCollection<string> Capabilities)
{
    public static WakeHint Of(Domain.Command command) =>
        new(command.Id, command.TargetAgentId, command.SelectorLabels, command.RequiredCapabilities);

    public bool Admits(CommandSignal.Waiter waiter) =>
        (TargetAgentId is null || TargetAgentId == waiter.AgentId)
        && Labels.All(l => waiter.Labels.TryGetValue(l.Key, out var value) && value == l.Value)
        && Capabilities.All(waiter.Capabilities.Contains);
}
