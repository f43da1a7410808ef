import { useEffect, useRef, useState } from 'react';
import { softwareGraphics } from '../viewer/mprViewer';
import { BED_CELL_MM, BED_SIZE_MM, ModelScene } from '../preview/modelScene';
import { getModelMeshes, useModelStore } from '../store/modelStore';
import type { ModelMesh } from '../store/modelStore';
import { formatUpTo } from './format';

/**
 * Triangles drawn at most on software WebGL (no graphics card): a frame of 470k triangles takes
 * about 0.4 s there and 120k about 0.15 s, so turning the model stays fluid.
 */
const PREVIEW_TRIANGLES_SOFTWARE = 150_000;

/**
 * One preview scene for the page, made when the page is idle (`prepareModelPreview`) or when
 * first shown: its WebGL context and shaders then cost nothing when a model arrives.
 */
let shared: ModelScene | undefined;
const sharedScene = (): ModelScene => (shared ??= new ModelScene({ softwareGraphics: softwareGraphics() }));

/** Makes the preview's scene ahead of the first model (call when the page is idle). */
export function prepareModelPreview(): void {
  try {
    sharedScene();
  } catch {
    // No WebGL here: the preview says so when it is shown.
  }
}

/** The 3D preview of the model on a print bed (three.js lives in src/preview). */
export function ModelView() {
  const hostRef = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<ModelScene | undefined>(undefined);
  const version = useModelStore((s) => s.modelVersion);
  const opacity = useModelStore((s) => s.opacity);
  const modelOpacity = useModelStore((s) => s.modelOpacity);
  const set = useModelStore((s) => s.set);

  // The model version handed to the scene; its next frame shows it.
  const shownVersion = useRef(-1);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const scene = sharedScene();
    const { canvas } = scene;
    canvas.setAttribute('aria-label', '3D model preview');
    canvas.dataset.testid = 'model-canvas';
    host.append(canvas);
    scene.onFrame = (): void => useModelStore.getState().previewShown(shownVersion.current);
    sceneRef.current = scene;
    const observer = new ResizeObserver(() => scene.resize(canvas.clientWidth, canvas.clientHeight));
    observer.observe(canvas);
    scene.resize(canvas.clientWidth, canvas.clientHeight);
    return () => {
      observer.disconnect();
      scene.onFrame = undefined;
      scene.setModels([]); // frees the models' GPU buffers; the scene stays for the next preview
      canvas.remove();
      sceneRef.current = undefined;
    };
  }, []);

  // On software WebGL a model of more than PREVIEW_TRIANGLES_SOFTWARE triangles is drawn from
  // a lighter copy made in a worker (said under the preview); the bed alone until it comes.
  const [standIn, setStandIn] = useState<{ shown: number; of: number } | undefined>(undefined);
  useEffect(() => {
    const scene = sceneRef.current;
    if (!scene) return;
    // Frames count as showing this version once its models (or their copies) are in the scene.
    shownVersion.current = -1;
    const show = (list: readonly ModelMesh[]): void => {
      const { opacity: all, modelOpacity: each } = useModelStore.getState();
      scene.setModels(list.map((m) => ({ ...m, opacity: each[m.name] ?? all })));
      if (list.length) shownVersion.current = version;
    };
    const meshes = getModelMeshes();
    const triangles = meshes.reduce((n, m) => n + m.mesh.indices.length / 3, 0);
    setStandIn(undefined);
    if (!softwareGraphics() || triangles <= PREVIEW_TRIANGLES_SOFTWARE) {
      show(meshes);
      return;
    }
    show([]);
    let live = true;
    useModelStore
      .getState()
      .displayCopies(PREVIEW_TRIANGLES_SOFTWARE)
      .then(
        (copies) => {
          if (!live || !copies) return;
          show(copies);
          setStandIn({ shown: copies.reduce((n, c) => n + c.mesh.indices.length / 3, 0), of: triangles });
        },
        () => live && show(meshes), // no copy: draw the model itself
      );
    return () => {
      live = false;
    };
  }, [version]);

  useEffect(() => {
    for (const m of getModelMeshes()) sceneRef.current?.setOpacity(m.name, modelOpacity[m.name] ?? opacity);
  }, [opacity, modelOpacity, version]);

  return (
    <figure className="model-view">
      <div ref={hostRef} className="model-canvas-host" />
      <figcaption>
        <span>
          Print bed {BED_SIZE_MM} × {BED_SIZE_MM} mm, grid {BED_CELL_MM} mm. Drag to turn, right-drag to pan, wheel to zoom.
        </span>
        {standIn && (
          <span className="hint" data-testid="preview-stand-in" data-triangles={standIn.shown}>
            Drawn from a lighter copy ({formatUpTo(standIn.shown)} of {formatUpTo(standIn.of)} triangles): this computer draws 3D without a graphics
            card. The figures and the exported file are the full model.
          </span>
        )}
        <label>
          Opacity{' '}
          <input
            type="range"
            aria-label="Model opacity"
            min={0.1}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => set({ opacity: Number(e.target.value) })}
          />
        </label>
      </figcaption>
    </figure>
  );
}
