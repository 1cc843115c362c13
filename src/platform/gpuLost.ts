// Watches the WebGPU device under tfjs: a lost device (driver reset, tab in the background too long, GPU
// removed) otherwise shows up as hung or garbage computations; here it becomes one clear error.
import * as tf from '@tensorflow/tfjs';
import { EngineError } from './engineError.ts';

export interface DeviceLoss {
  /** 'destroyed' when tfjs itself disposed the device, 'unknown' otherwise (WebGPU's GPUDeviceLostReason). */
  reason: string;
  message: string;
}

interface LosableDevice {
  lost: Promise<{ reason?: unknown; message?: unknown }>;
}

function webGpuDevice(backend: unknown): LosableDevice | null {
  if (typeof backend !== 'object' || backend === null || !('device' in backend)) return null;
  const device = backend.device;
  if (typeof device !== 'object' || device === null || !('lost' in device)) return null;
  return device.lost instanceof Promise ? { lost: device.lost as LosableDevice['lost'] } : null;
}

/**
 * Calls `onLost` once if the current webgpu backend's device is lost. Returns a function that cancels
 * the watch. On any other backend it does nothing.
 */
export function watchDeviceLoss(onLost: (loss: DeviceLoss) => void): () => void {
  let active = true;
  if (tf.getBackend() !== 'webgpu') return () => {};
  const device = webGpuDevice(tf.backend());
  if (!device) return () => {};
  void device.lost.then((info) => {
    if (!active) return;
    const reason = typeof info.reason === 'string' ? info.reason : 'unknown';
    // The browser's own text often ends in a period; the sentence below adds its own.
    const text = typeof info.message === 'string' ? info.message.trim().replace(/\.+$/, '') : '';
    const detail = text !== '' ? `: ${text}` : '';
    onLost({
      reason,
      message: `the WebGPU device was lost (${reason})${detail}. Reload the page and resume from a checkpoint.`,
    });
  });
  return () => {
    active = false;
  };
}

/**
 * The current backend's device, watched from `init` on: whether it is lost, a promise a run races so
 * that it always ends, and a short wait for the real cause of a failed read-back.
 */
export class DeviceWatch {
  private lossSeen: DeviceLoss | null = null;
  private onLoss: ((loss: DeviceLoss) => void) | null = null;
  private readonly cancel: () => void;

  constructor(private readonly backend: string) {
    this.cancel = watchDeviceLoss((loss) => {
      this.lossSeen = loss;
      this.onLoss?.(loss);
    });
  }

  get loss(): DeviceLoss | null {
    return this.lossSeen;
  }

  /**
   * Rejects with a 'device-lost' EngineError once the device is lost (at once if it already is). A lost
   * device can leave a read-back pending forever: a run races this so it always ends. One run at a time
   * listens; it calls `release` when it ends.
   */
  lost(): Promise<never> {
    const lost = new Promise<never>((_, reject) => {
      const rejectWith = (loss: DeviceLoss) => reject(new EngineError('device-lost', loss.message));
      if (this.lossSeen) rejectWith(this.lossSeen);
      this.onLoss = rejectWith;
    });
    // A run that ends otherwise leaves this promise unobserved: keep its rejection from being reported.
    lost.catch(() => {});
    return lost;
  }

  release(): void {
    this.onLoss = null;
  }

  /**
   * Whether the device is lost or goes within `ms`. A lost device often shows first as a failed buffer
   * read ("mapAsync ... no longer exists") before its `lost` promise settles: a failed run waits this
   * long to tell the user the real cause.
   */
  async lossWithin(ms: number): Promise<DeviceLoss | null> {
    if (this.backend !== 'webgpu') return null;
    if (this.lossSeen) return this.lossSeen;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.lossSeen;
  }

  /** Stops watching (a new backend gets its own watch). */
  close(): void {
    this.cancel();
    this.onLoss = null;
  }
}
