using System.Net;
using System.Net.Sockets;

namespace SecPlatform.Testing;

/// <summary>
/// A TCP forwarder between two loopback endpoints that a test can pause, to cut a process off from another one while
/// both keep running. Paused, it forwards nothing in either direction and holds new connections without connecting
/// them (a black hole, as a broken network looks: calls time out rather than fail fast); resumed, it carries on.
/// Bounded: at most <see cref="MaxConnections"/> connections (more are closed at once) and one buffer of
/// <see cref="BufferBytes"/> per direction of each (reading stops while paused). Loopback addresses only.
/// </summary>
public sealed class PausableTcpProxy : IAsyncDisposable
{
    public const int MaxConnections = 64;
    public const int BufferBytes = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private TaskCompletionSource _running = Running();

    private PausableTcpProxy(TcpListener listener, IPEndPoint upstream)
    {
        _listener = listener;
        _upstream = upstream;
        Endpoint = (IPEndPoint)listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    public IPEndPoint Endpoint { get; }

    public bool IsPaused => !Volatile.Read(ref _running).Task.IsCompleted;

    /// <summary>Listens on <paramref name="listen"/> and forwards each connection to <paramref name="upstream"/>.</summary>
    public static PausableTcpProxy Start(IPEndPoint listen, IPEndPoint upstream)
    {
        if (!IPAddress.IsLoopback(listen.Address) || !IPAddress.IsLoopback(upstream.Address))
        {
            throw new ArgumentException("the proxy joins loopback endpoints only");
        }

        var listener = new TcpListener(listen);
        listener.Start();
        return new PausableTcpProxy(listener, upstream);
    }

    public void Pause()
    {
        lock (_gate)
        {
            if (!IsPaused)
            {
                _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _running.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        lock (_gate)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Running()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        running.SetResult();
        return running;
    }

    private Task WhileRunningAsync() => Volatile.Read(ref _running).Task.WaitAsync(_stop.Token);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (!_slots.Wait(0))
            {
                client.Dispose();
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        Track(client, upstream);
        try
        {
            await WhileRunningAsync();
            await upstream.ConnectAsync(_upstream, _stop.Token);
            var down = client.GetStream();
            var up = upstream.GetStream();
            // Either direction ending ends the connection.
            await Task.WhenAny(PumpAsync(down, up), PumpAsync(up, down));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Untrack(client, upstream);
            client.Dispose();
            upstream.Dispose();
            _slots.Release();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[BufferBytes];
        try
        {
            while (true)
            {
                await WhileRunningAsync();
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                // Bytes read just before a pause wait with it.
                await WhileRunningAsync();
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void Track(params TcpClient[] clients)
    {
        lock (_gate)
        {
            _open.AddRange(clients);
        }
    }

    private void Untrack(params TcpClient[] clients)
    {
        lock (_gate)
        {
            foreach (var client in clients)
            {
                _open.Remove(client);
            }
        }
    }
}
