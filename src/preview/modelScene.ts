import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  DoubleSide,
  GridHelper,
  Group,
  Mesh,
  MeshLambertMaterial,
  MeshStandardMaterial,
  PerspectiveCamera,
  Scene,
  Sphere,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { SegmentMesh } from '../core/mesh/mesh';

/** One model in the preview: a segment's mesh (patient LPS mm) with its colour and opacity. */
export interface PreviewModel extends SegmentMesh {
  /** 0–1. */
  readonly opacity: number;
  /** Unit vertex normals (LPS), when already computed elsewhere (a worker); else computed here. */
  readonly normals?: Float32Array;
}

export interface ModelSceneOptions {
  /**
   * WebGL runs on the CPU here (see the viewer's probe). The first frame of a 470k-triangle
   * model with physically based shading and 4× multisampling then holds the page for seconds;
   * without multisampling and with Lambert shading it is a fraction of that.
   */
  readonly softwareGraphics?: boolean;
}

/** Print bed of the preview: a 250 × 250 mm grid in 10 mm squares (a common bed size). */
export const BED_SIZE_MM = 250;
export const BED_CELL_MM = 10;

/**
 * The 3D model preview: the models as they would sit on a print bed, at 1:1 scale in mm.
 *
 * Frames: the models are placed as in the print frame (all together resting on the bed, their
 * bounding box centred), with patient superior up and anterior towards the viewer: three.js
 * (x, y, z) = LPS (x, z, −y), a rotation, so the model is never mirrored. The meshes keep their
 * LPS arrays; the placement is the models group's transform. Orbit with the left button, pan
 * with the right, zoom with the wheel. Renders on demand, not in a loop.
 *
 * The scene owns its canvas, so it can be made before anything shows it: a new scene draws the
 * bed at once and, in the same frame, a speck with the models' material, so the WebGL context
 * exists and the shaders are compiled (most of a second of CPU with software WebGL) before a
 * model arrives. The app makes one when the page is idle and moves its canvas into the preview.
 */
export class ModelScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(35, 1, 1, 20000);
  private readonly controls: OrbitControls;
  private readonly models = new Group();
  private frame = 0;
  /** The material of the first frame's speck, kept so its compiled program stays cached. */
  private readonly warmMaterial: MeshLambertMaterial | MeshStandardMaterial;
  private warmMesh: Mesh | undefined;

  /** The scene draws here; put it in the page where the preview goes (it may move). */
  readonly canvas: HTMLCanvasElement = document.createElement('canvas');
  /** Called after each frame is drawn. */
  onFrame: (() => void) | undefined;

  constructor(private readonly options: ModelSceneOptions = {}) {
    const canvas = this.canvas;
    // preserveDrawingBuffer: screenshots and pixel checks read what was drawn.
    this.renderer = new WebGLRenderer({ canvas, antialias: !options.softwareGraphics, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(globalThis.devicePixelRatio || 1);
    this.scene.background = new Color(0x16181d);
    this.scene.add(new AmbientLight(0xffffff, 0.55));
    const key = new DirectionalLight(0xffffff, 1.6);
    key.position.set(0.6, 1, 0.8);
    this.camera.add(key); // a headlight: lit from where the user looks
    this.scene.add(this.camera);
    const grid = new GridHelper(BED_SIZE_MM, BED_SIZE_MM / BED_CELL_MM, 0x6b7280, 0x3a3f4a);
    this.scene.add(grid);
    // LPS → three.js: a rotation of −90° about x ((x, y, z) → (x, z, −y)).
    this.models.rotation.x = -Math.PI / 2;
    this.scene.add(this.models);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.addEventListener('change', () => this.requestRender());
    this.camera.position.set(0, 250, 600);
    this.controls.target.set(0, 80, 0);
    this.controls.update();
    // A sub-pixel triangle at the bed's centre, drawn in the first frame only.
    this.warmMaterial = this.material({ colorRgb: [255, 255, 255], opacity: 1 });
    const speck = new BufferGeometry();
    speck.setAttribute('position', new BufferAttribute(new Float32Array([0, 0, 0, 0.001, 0, 0, 0, 0.001, 0]), 3));
    speck.setAttribute('normal', new BufferAttribute(new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1]), 3));
    this.warmMesh = new Mesh(speck, this.warmMaterial);
    this.scene.add(this.warmMesh);
    this.requestRender();
  }

  /** The models' material: Lambert on software WebGL, physically based otherwise. */
  private material(m: { readonly colorRgb: readonly [number, number, number]; readonly opacity: number }): MeshLambertMaterial | MeshStandardMaterial {
    const [r, g, b] = m.colorRgb;
    const surface = {
      color: new Color(r / 255, g / 255, b / 255),
      transparent: m.opacity < 1,
      opacity: m.opacity,
      depthWrite: m.opacity >= 1,
      side: m.opacity < 1 ? DoubleSide : undefined,
    };
    return this.options.softwareGraphics ? new MeshLambertMaterial(surface) : new MeshStandardMaterial({ ...surface, roughness: 0.55, metalness: 0.05 });
  }

  /**
   * Replaces the models and frames the camera on them. The canvas says how many models it holds
   * (data-models) and how many frames it has drawn of them (data-frames).
   */
  setModels(models: readonly PreviewModel[]): void {
    this.canvas.dataset.models = String(models.length);
    this.canvas.dataset.frames = '0';
    for (const child of [...this.models.children]) {
      const m = child as Mesh<BufferGeometry, MeshLambertMaterial | MeshStandardMaterial>;
      m.geometry.dispose();
      m.material.dispose();
      this.models.remove(m);
    }
    let min = [Infinity, Infinity, Infinity];
    let max = [-Infinity, -Infinity, -Infinity];
    for (const { mesh } of models) {
      const p = mesh.positionsMm;
      for (let i = 0; i < p.length; i += 3)
        for (let a = 0; a < 3; a++) {
          if (p[i + a] < min[a]) min[a] = p[i + a];
          if (p[i + a] > max[a]) max[a] = p[i + a];
        }
    }
    if (!models.length || min[0] === Infinity) {
      min = [0, 0, 0];
      max = [0, 0, 0];
    }
    // The print frame's translation (LPS): bbox centre x/y to 0, bottom to 0; then the rotation.
    const t = new Vector3(-(min[0] + max[0]) / 2, -(min[1] + max[1]) / 2, -min[2]);
    this.models.position.set(t.x, t.z, -t.y);
    // Every model's bounding sphere (LPS), for three.js's culling, without a pass over its vertices.
    const centre = new Vector3((min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2);
    const bound = new Sphere(centre, Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2);
    for (const m of models) {
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(m.mesh.positionsMm, 3));
      geometry.setIndex(new BufferAttribute(m.mesh.indices, 1));
      if (m.normals) geometry.setAttribute('normal', new BufferAttribute(m.normals, 3));
      else geometry.computeVertexNormals();
      geometry.boundingSphere = bound.clone();
      const mesh = new Mesh(geometry, this.material(m));
      mesh.name = m.name;
      this.models.add(mesh);
    }
    const size = new Vector3(max[0] - min[0], max[2] - min[2], max[1] - min[1]);
    const radius = Math.max(40, size.length() / 2);
    this.controls.target.set(0, size.y / 2, 0);
    const distance = radius / Math.sin(((this.camera.fov / 2) * Math.PI) / 180);
    this.camera.position.set(distance * 0.35, size.y / 2 + distance * 0.3, distance * 0.9);
    this.camera.near = Math.max(0.5, distance / 100);
    this.camera.far = distance * 20;
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestRender();
  }

  /** Changes one model's opacity without rebuilding it. */
  setOpacity(name: string, opacity: number): void {
    const m = this.models.getObjectByName(name) as Mesh<BufferGeometry, MeshLambertMaterial | MeshStandardMaterial> | undefined;
    if (!m) return;
    m.material.opacity = opacity;
    m.material.transparent = opacity < 1;
    m.material.depthWrite = opacity >= 1;
    m.material.side = opacity < 1 ? DoubleSide : m.material.side;
    m.material.needsUpdate = true;
    this.requestRender();
  }

  resize(width: number, height: number): void {
    if (width <= 0 || height <= 0) return;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  private requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderer.render(this.scene, this.camera);
      if (this.warmMesh) {
        this.scene.remove(this.warmMesh);
        this.warmMesh.geometry.dispose();
        this.warmMesh = undefined;
      }
      this.canvas.dataset.frames = String(Number(this.canvas.dataset.frames ?? 0) + 1);
      this.onFrame?.();
    });
  }
}
